package dokploy

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// fuzzCalls returns n calls decoding into various kinds of Out.
func fuzzCalls(n, kinds uint8) []*Call {
	calls := make([]*Call, int(n%4)+1)
	for i := range calls {
		var out any
		switch (int(kinds) + i) % 5 {
		case 0:
			out = new(map[string]any)
		case 1:
			out = new(Project)
		case 2:
			out = new(string)
		case 3:
			out = new([]*Project)
		}
		calls[i] = NewCall(fmt.Sprintf("router%d.one", i), nil, out)
	}
	return calls
}

// checkDecoded checks what every decoder promises whatever the answer.
func checkDecoded(t *testing.T, status int, body []byte, calls []*Call, err error) {
	for _, call := range calls {
		if err != nil && call.Err == nil {
			t.Fatalf("request-level error %v but %s has no error", err, call.Proc)
		}
		if call.Err == nil {
			continue
		}
		msg := call.Err.Error()
		if strings.TrimSpace(msg) == "" {
			t.Fatalf("%s: empty error message", call.Proc)
		}
		var r *errRefused
		if !errors.As(call.Err, &r) && !strings.HasPrefix(msg, call.Proc+": ") {
			t.Fatalf("error %q does not name its call %s", msg, call.Proc)
		}
	}
	if err != nil && len(body) >= 16 && strings.Contains(err.Error(), string(body)) {
		t.Fatalf("the error quotes the answer: %v", err)
	}
	if 200 <= status && status < 300 && err == nil && len(calls) == 1 && string(body) == `{"result":{"data":{"json":null}}}` && calls[0].Err != nil {
		t.Fatalf("a null result failed: %v", calls[0].Err)
	}
}

func FuzzTRPCResponse(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
		n      uint8
	}{
		{200, `{"result":{"data":{"json":{"projectId":"P","name":"shop"}}}}`, 0},
		{200, `{"result":{"data":{"json":null,"meta":{"values":["undefined"],"v":1}}}}`, 0},
		{207, `[{"result":{"data":{"json":{"a":1}}}},{"error":{"json":{"message":"Thing not found","code":-32004,"data":{"code":"NOT_FOUND","httpStatus":404,"path":"x.one","zodError":null}}}}]`, 1},
		{400, `{"error":{"json":{"message":"[{}]","code":-32600,"data":{"code":"BAD_REQUEST","httpStatus":400,"zodError":{"formErrors":[],"fieldErrors":{"name":["Required"]}}}}}}`, 0},
		{401, `[{"error":{"json":{"message":"UNAUTHORIZED","code":-32001,"data":{"code":"UNAUTHORIZED","httpStatus":401}}}},{"error":{"json":{"message":"UNAUTHORIZED","code":-32001}}}]`, 1},
		{404, `<html><body>404 page not found, the secret is hunter2</body></html>`, 2},
		{502, ``, 3},
		{200, `[]`, 1},
		{200, `null`, 0},
		{200, `{}`, 0},
		{200, `[{"result":{"data":{"json":"a string"}}},{"result":null}]`, 1},
		{200, `{"result":{"data":{"json":{"name":7}}}}`, 0},
		{431, ``, 2},
		{-1, `{"error":{"json":{"message":"x","code":1e999}}}`, 0},
	} {
		f.Add(s.status, []byte(s.body), s.n, uint8(0))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, n, kinds uint8) {
		calls := fuzzCalls(n, kinds)
		err := decodeTRPC(status, body, calls)
		var r *errRefused
		var e *Error
		if err != nil && !errors.As(err, &r) && !errors.As(err, &e) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		checkDecoded(t, status, body, calls, err)
	})
}

func FuzzRESTResponse(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
	}{
		{200, `{"projectId":"P","name":"shop"}`},
		{200, ``},
		{200, `true`},
		{200, `<html>login</html>`},
		{400, `{"message":"Input validation failed","code":"BAD_REQUEST","data":{"code":"BAD_REQUEST","httpStatus":400,"zodError":{"formErrors":[],"fieldErrors":{"name":["Required"]}}},"issues":[]}`},
		{401, `{"message":"Unauthorized"}`},
		{404, `{"message":"Not found","code":"NOT_FOUND","data":{"code":"NOT_FOUND","httpStatus":404,"zodError":null}}`},
		{413, `Body exceeded 1mb limit`},
		{500, `{"message":"","code":"INTERNAL_SERVER_ERROR"}`},
		{503, `Service Unavailable`},
		{200, `{"name":["not","a","string"]}`},
	} {
		f.Add(s.status, []byte(s.body), uint8(0))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, kinds uint8) {
		calls := fuzzCalls(0, kinds)
		err := decodeREST(status, body, calls[0])
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("error of type %T: %v", err, err)
		}
		checkDecoded(t, status, body, calls, err)
		if (status < 200 || status >= 300) && calls[0].Err == nil {
			t.Fatalf("HTTP %d decoded as a success", status)
		}
	})
}
