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
		wantV := stdJSON(t, v)
		if !bytes.Equal(got, wantV) {
			i := 0
			for i < len(got) && i < len(wantV) && got[i] == wantV[i] {
				i++
			}
			t.Errorf("marshal differs from encoding/json at byte %d:\n got %q\nwant %q", i, got[i:min(len(got), i+40)], wantV[i:min(len(wantV), i+40)])
		}
	}
}

// stdJSON is v as encoding/json writes it without HTML escaping, with an
// object's keys and values encoded here one by one: encoding v whole would
// call object.MarshalJSON, the code under test.
func stdJSON(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	switch v := v.(type) {
	case object: // nil too: encoding/json calls MarshalJSON on a nil slice
		b.WriteByte('{')
		for i, e := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(stdJSON(t, e.k))
			b.WriteByte(':')
			b.Write(stdJSON(t, e.v))
		}
		b.WriteByte('}')
	case []any:
		if v == nil {
			return []byte("null")
		}
		b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				b.WriteByte(',')
			}
			b.Write(stdJSON(t, x))
		}
		b.WriteByte(']')
	default:
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	}
	return b.Bytes()
}
