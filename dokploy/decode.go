package dokploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// The decoders are pure functions of an HTTP answer (status and body) and
// the calls it answers: they decode each call's result into its Out or set
// its Err. FuzzTRPCResponse and FuzzRESTResponse feed them arbitrary answers.

type trpcError struct {
	Message string `json:"message"`
	Code    int    `json:"code"`
	Data    struct {
		Code       string `json:"code"`
		HTTPStatus int    `json:"httpStatus"`
		ZodError   *struct {
			FieldErrors map[string][]string `json:"fieldErrors"`
		} `json:"zodError"`
	} `json:"data"`
}

type trpcItem struct {
	Result *struct {
		Data struct {
			JSON json.RawMessage `json:"json"`
		} `json:"data"`
	} `json:"result"`
	Error *struct {
		JSON trpcError `json:"json"`
	} `json:"error"`
}

// errRefused marks a tRPC request that the server or a proxy refused as a
// whole (no tRPC answer): the REST face may still work.
type errRefused struct {
	status int
}

func (e *errRefused) Error() string {
	return fmt.Sprintf("the server refused /api/trpc (HTTP %d); try --api=rest", e.status)
}

// decodeTRPC reads a tRPC answer to calls (a batch when there are several).
// When the body is a tRPC answer for these calls, each call gets its result
// or its own error and decodeTRPC returns nil. Otherwise every call's Err is
// set and the same error is returned: an *errRefused when the status shows
// that /api/trpc is not served (REST may be), else an *Error.
func decodeTRPC(status int, body []byte, calls []*Call) error {
	var items []trpcItem
	var err error
	if len(calls) > 1 {
		err = json.Unmarshal(body, &items)
	} else {
		var one trpcItem
		err = json.Unmarshal(body, &one)
		items = []trpcItem{one}
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

type restError struct {
	Message string `json:"message"`
	Code    string `json:"code"`
	Data    *struct {
		ZodError *struct {
			FieldErrors map[string][]string `json:"fieldErrors"`
		} `json:"zodError"`
	} `json:"data"`
}

// decodeREST reads a REST answer to one call and sets its Err. It returns
// that error too when the body is not an answer of the API (a proxy's page,
// an empty error body).
func decodeREST(status int, body []byte, call *Call) error {
	if status >= 200 && status < 300 {
		call.Err = decodeOut(call, body)
		return nil
	}
	var re restError
	if json.Unmarshal(body, &re) != nil || re.Message == "" {
		e := &Error{Proc: call.Proc, Status: status, Message: unexpectedBody(status, body)}
		call.Err = e
		return e
	}
	ae := &Error{Proc: call.Proc, Status: status, Code: re.Code, Message: re.Message}
	if re.Data != nil && re.Data.ZodError != nil {
		ae.FieldErrors = re.Data.ZodError.FieldErrors
	}
	call.Err = ae
	return nil
}

// decodeOut decodes a result into call.Out. An empty body or null is "no
// value" (Dokploy's undefined).
func decodeOut(call *Call, data []byte) error {
	if call.Out == nil || len(data) == 0 || string(data) == "null" {
		return nil
	}
	if err := json.Unmarshal(data, call.Out); err != nil {
		var syntax *json.SyntaxError
		if errors.As(err, &syntax) {
			return fmt.Errorf("%s: the answer is not JSON (is the URL the Dokploy panel?)", call.Proc)
		}
		return fmt.Errorf("%s: decoding the answer: %w", call.Proc, err)
	}
	return nil
}

// unexpectedBody describes an answer that is not the API's without quoting
// it (answers can hold secrets).
func unexpectedBody(status int, body []byte) string {
	s := strings.TrimSpace(string(body))
	if s == "" {
		return fmt.Sprintf("unexpected HTTP %d with an empty body", status)
	}
	if len(s) > 200 || !json.Valid(body) {
		return fmt.Sprintf("unexpected HTTP %d answer that is not a Dokploy API answer (is the URL the Dokploy panel?)", status)
	}
	return fmt.Sprintf("unexpected HTTP %d answer", status)
}

// perCall is a request-level error as the error of one of its calls.
func perCall(call *Call, err error) error {
	if e, ok := err.(*Error); ok {
		c := *e
		c.Proc = call.Proc
		return &c
	}
	return err
}

// procList names the procedures of calls, each once, for messages.
func procList(calls []*Call) string {
	var names []string
	seen := map[string]bool{}
	for _, call := range calls {
		if !seen[call.Proc] {
			seen[call.Proc] = true
			names = append(names, call.Proc)
		}
	}
	return strings.Join(names, ",")
}
