package dokploytest

import (
	"bytes"
	"encoding/json"
	"testing"
)

// marshal writes objects, arrays and their scalars itself: the bytes are
// those of encoding/json without HTML escaping (the encoding it replaced).
func TestMarshalIsEncodingJSON(t *testing.T) {
	strs := []string{"", "plain", "a<b>&c", `quote " and \ backslash`, "tab\tnew\nline\x01", "é ü 日本", "\u2028\u2029", "\xff invalid", "~\x7f"}
	var arr []any
	o := object{}
	for _, s := range strs {
		arr = append(arr, s)
		o = append(o, kv{s, s})
	}
	arr = append(arr, nil, true, false, float64(3), 1.5e-7, 1e21, map[string]any{"z": "<", "a": []any{"x"}}, []any(nil), o, object(nil))
	for _, v := range []any{o, arr, object{{"nested", arr}, {"o", o}}} {
		got, err := marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(struct{ V any }{v}); err != nil {
			t.Fatal(err)
		}
		wantV := bytes.TrimSuffix(bytes.TrimPrefix(want.Bytes(), []byte(`{"V":`)), []byte("}\n"))
		if !bytes.Equal(got, wantV) {
			t.Errorf("marshal:\n got %s\nwant %s", got, wantV)
		}
	}
}
