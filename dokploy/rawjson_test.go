package dokploy

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

var rawJSONSeeds = []string{
	`null`, `{}`, ` { } `, `[]`, `[null]`, `[{}]`, `true`, `false`, `0`, `-1.5e3`, `1e400`, `[1e400]`,
	`"a"`, `"\u00e9\n"`, "\"\xff\"", `"é"`, `{"a":1,"a":2}`, `{"a\u0062":1}`, `{"b":[1,{"c":null}],"d":"x"}`,
	`[{"host":"x","port":80,"https":true},null,{"path":"/"}]`, `[1]`, `["x"]`, `{"k":[{"a":[]}]}`,
	` [ { "a" : 1 } , { } ] `, `{"applicationId":"a","postgresId":7,"mysqlId":null,"domains":[{"host":"h"}]}`,
}

// FuzzRawJSON holds the scanner of the .one answers to json.Unmarshal:
// the same values, the same keys, an error exactly when it errs.
func FuzzRawJSON(f *testing.F) {
	for _, s := range rawJSONSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return // the scanner reads what json.Unmarshal validated
		}
		checkRawJSON(t, raw)
	})
}

func TestRawJSON(t *testing.T) {
	for _, s := range rawJSONSeeds {
		checkRawJSON(t, []byte(s))
	}
	// the fast paths are taken: a plain object is split, plain values built
	if !topValues([]byte(`{"a":[1,{"b":"c"}],"d":null}`), func(key, raw []byte) {}) {
		t.Error("topValues gave up on a plain object")
	}
	if _, ok := scanRows([]byte(`[{"a":1.5,"b":[true,"x"]},null]`)); !ok {
		t.Error("scanRows gave up on plain rows")
	}
	if v, err := parseAny([]byte(`{"a":[1,"é"]}`)); err != nil || !reflect.DeepEqual(v, map[string]any{"a": []any{1.0, "é"}}) {
		t.Errorf("parseAny = %#v, %v", v, err)
	}
}

func checkRawJSON(t *testing.T, raw []byte) {
	t.Helper()
	var want any
	wantErr := json.Unmarshal(raw, &want)
	got, err := parseAny(raw)
	if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) {
		t.Errorf("parseAny(%q) = %#v, %v; json.Unmarshal: %#v, %v", raw, got, err, want, wantErr)
	}

	var wantRows []Row
	wantErr = json.Unmarshal(raw, &wantRows)
	rows, err := parseRows(raw)
	if (err != nil) != (wantErr != nil) || err == nil && !reflect.DeepEqual(rows, wantRows) {
		t.Errorf("parseRows(%q) = %#v, %v; json.Unmarshal: %#v, %v", raw, rows, err, wantRows, wantErr)
	}

	var wantKeys map[string]json.RawMessage
	wantErr = json.Unmarshal(raw, &wantKeys)
	gotKeys := map[string]json.RawMessage{}
	if topValues(raw, func(key, v []byte) { gotKeys[string(key)] = v }) {
		if wantErr != nil || len(gotKeys) != len(wantKeys) {
			t.Fatalf("topValues(%q) = %q; json.Unmarshal: %q, %v", raw, gotKeys, wantKeys, wantErr)
		}
		for k, v := range wantKeys {
			if string(gotKeys[k]) != string(v) {
				t.Errorf("topValues(%q)[%q] = %q, want %q", raw, k, gotKeys[k], v)
			}
		}
	}
	plan := &readPlan{keys: map[string]int{"a": 0}}
	keys, err := readKeys(raw, plan)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("readKeys(%q): %v; json.Unmarshal: %v", raw, err, wantErr)
	}
	for _, k := range []string{"a", "b", "ab"} {
		v, ok := keys.lookup(k)
		w, wok := wantKeys[k]
		if err == nil && (ok != wok || string(v) != string(w)) {
			t.Errorf("readKeys(%q).lookup(%q) = %q, %v; want %q, %v", raw, k, v, ok, w, wok)
		}
	}
}

var serviceSeeds = []string{
	`{"applicationId":"a","name":"n","appName":"x","environment":{"name":"e"},"deployments":[{"deploymentId":"d","status":"done"}],"domains":[]}`,
	`{"NAME":"upper","AppName":"mixed","name":"last"}`,
	`{"appname":"a","APPNAME":"b","repository":"r","REPOSITORY":null}`,
	"{\"ſourceType\":\"long s\",\"\u212aey\":1,\"name\":\"n\"}",
	`{"name":7}`, `{"replicas":1.5,"name":"n"}`, `{"name":"a","name":"b"}`, `null`, `{}`,
	`{"deployments":[{"title":"a"}],"deployments":[{"status":"b"}]}`, `{"watchPaths":["a","b"],"watchPaths":["c"]}`,
	`{"postgresId":"p","databaseName":"d","externalPort":5432,"mounts":[{"mountId":"m"}]}`,
	`{"n\u0061me":"escaped key","name":"x"}`,
}

// FuzzDecodeService holds decodeService to json.Unmarshal of the whole
// answer: the same struct, the same error.
func FuzzDecodeService(f *testing.F) {
	for _, s := range serviceSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if !json.Valid(raw) {
			return
		}
		checkDecodeService(t, raw)
	})
}

func TestDecodeService(t *testing.T) {
	for _, s := range serviceSeeds {
		checkDecodeService(t, []byte(s))
	}
	if !applicationFields.may([]byte("AppName")) || applicationFields.may([]byte("environment")) || applicationFields.may([]byte("items")) {
		t.Errorf("applicationFields = %v", applicationFields)
	}
	if !applicationFields.may([]byte("repository")) || !databaseFields.may([]byte("databaseName")) || databaseFields.may([]byte("ids")) {
		t.Error("fieldsOf misses embedded fields or keeps unexported ones")
	}
}

func checkDecodeService(t *testing.T, raw []byte) {
	t.Helper()
	type plainApp Application
	var want, got plainApp
	wantErr := json.Unmarshal(raw, &want)
	_, err := decodeService(raw, &got, applicationFields, planFor("application"))
	if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
		t.Errorf("decodeService(%q) = %+v, %v; json.Unmarshal: %+v, %v", raw, got, err, want, wantErr)
	}
	type plainDB Database
	var wantDB, gotDB plainDB
	wantErr = json.Unmarshal(raw, &wantDB)
	_, err = decodeService(raw, &gotDB, databaseFields, planFor("postgres"))
	if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(gotDB, wantDB) {
		t.Errorf("decodeService(%q) = %+v, %v; json.Unmarshal: %+v, %v", raw, gotDB, err, wantDB, wantErr)
	}
}
