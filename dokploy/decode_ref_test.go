package dokploy

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"testing"
)

// decodeTRPCTwice is the decoder parseTRPC replaced, which parsed the
// envelope into raw messages and then each of them again: the reference
// FuzzTRPCDecodeOnce compares it with.
func decodeTRPCTwice(status int, body []byte, calls []*Call) error {
	type item struct {
		Result *struct {
			Data struct {
				JSON json.RawMessage `json:"json"`
			} `json:"data"`
		} `json:"result"`
		Error *trpcErrorItem `json:"error"`
	}
	var items []item
	var err error
	if len(calls) > 1 {
		err = json.Unmarshal(body, &items)
	} else {
		var one item
		err = json.Unmarshal(body, &one)
		items = []item{one}
	}
	ok := err == nil && len(items) == len(calls)
	for i := 0; ok && i < len(items); i++ {
		ok = items[i].Result != nil || items[i].Error != nil
	}
	if !ok {
		var e error
		switch status {
		case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusForbidden, http.StatusNotImplemented:
			e = &errRefused{status: status}
		default:
			e = &Error{Proc: procList(calls), Status: status, Message: unexpectedBody(status, body)}
		}
		for _, call := range calls {
			call.Err = perCall(call, e)
		}
		return e
	}
	for i, call := range calls {
		if it := items[i]; it.Error != nil {
			e := it.Error.JSON
			ae := &Error{Proc: call.Proc, Status: e.Data.HTTPStatus, Code: e.Data.Code, Message: e.Message}
			if ae.Status == 0 {
				ae.Status = status
			}
			if e.Data.ZodError != nil {
				ae.FieldErrors = e.Data.ZodError.FieldErrors
			}
			call.Err = ae
		} else {
			call.Err = decodeOut(call, it.Result.Data.JSON)
		}
	}
	return nil
}

// FuzzTRPCDecodeOnce: decodeTRPC answers every body as the decoder that
// parsed twice did: the same request-level error, the same error or the
// same decoded value for each call.
func FuzzTRPCDecodeOnce(f *testing.F) {
	for _, s := range []string{
		`{"result":{"data":{"json":{"projectId":"P","name":"shop"}}}}`,
		`{"result":{"data":{"json":null,"meta":{"values":["undefined"],"v":1}}}}`,
		`[{"result":{"data":{"json":{"a":1}}}},{"error":{"json":{"message":"Thing not found","code":-32004,"data":{"code":"NOT_FOUND","httpStatus":404,"path":"x.one","zodError":null}}}}]`,
		`{"error":{"json":{"message":"[{}]","code":-32600,"data":{"code":"BAD_REQUEST","httpStatus":400,"zodError":{"formErrors":[],"fieldErrors":{"name":["Required"]}}}}}}`,
		`[{"result":{"data":{"json":"a string"}}},{"result":null}]`,
		`[{"result":{"data":{"json":[{"projectId":"a"}]}}},{"result":{"data":null}}]`,
		`[{"result":{"data":{"json":{"name":7}}}},{"result":{"data":{"json":{}}},"error":null}]`,
		`{"result":{"data":{"json":{"name":7}}}}`,
		`{"error":{"json":{"message":"x","code":1e999}}}`,
		`{"result":{"data":{"json":1}}} x`,
		` [ {"result" : {"data" : {"json" : null } } } , {"result":{"data":{"json" :	"s"}}} ] `,
		`<html>502</html>`, `[]`, `null`, `{}`, ``,
	} {
		for n := range uint8(4) {
			f.Add(200, []byte(s), n, uint8(0))
		}
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, n, kinds uint8) {
		got, want := fuzzCalls(n, kinds), fuzzCalls(n, kinds)
		gotErr, wantErr := decodeTRPC(status, body, got), decodeTRPCTwice(status, body, want)
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("error %v, want %v", gotErr, wantErr)
		}
		for i := range got {
			if fmt.Sprint(got[i].Err) != fmt.Sprint(want[i].Err) {
				t.Fatalf("call %d: error %v, want %v", i, got[i].Err, want[i].Err)
			}
			if got[i].Err == nil && !reflect.DeepEqual(got[i].Out, want[i].Out) {
				t.Fatalf("call %d: decoded %#v, want %#v", i, got[i].Out, want[i].Out)
			}
		}
	})
}
