package dokploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
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

// trpcErrorItem is the error of one call in a tRPC answer.
type trpcErrorItem struct {
	JSON trpcError `json:"json"`
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
//
// The body is parsed once: one pass over the envelope decodes each result
// straight into its call's Out (parseTRPC), rather than the envelope into
// raw messages and then each of them again.
func decodeTRPC(status int, body []byte, calls []*Call) error {
	errs := make([]*trpcErrorItem, len(calls))
	outErrs := make([]error, len(calls))
	if !parseTRPC(body, calls, errs, outErrs) {
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
		if it := errs[i]; it != nil {
			e := it.JSON
			ae := &Error{Proc: call.Proc, Status: e.Data.HTTPStatus, Code: e.Data.Code, Message: e.Message}
			if ae.Status == 0 {
				ae.Status = status
			}
			if e.Data.ZodError != nil {
				ae.FieldErrors = e.Data.ZodError.FieldErrors
			}
			call.Err = ae
		} else {
			call.Err = outErrs[i]
		}
	}
	return nil
}

// parseTRPC walks a tRPC answer to calls: an array of items for a batch,
// one item otherwise, each {"result":{"data":{"json":<value>}}} or
// {"error":{"json":<trpcError>}}. It decodes each value into its call's
// Out (outErrs[i] when that fails) and each error into errs[i]. It reports
// false when the body is not such an answer: not JSON, another shape, more
// or fewer items than calls, an item with neither a result nor an error.
// Outs may then be decoded in part; the caller sets every call's Err.
func parseTRPC(body []byte, calls []*Call, errs []*trpcErrorItem, outErrs []error) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	if len(calls) > 1 {
		if !delim(dec, '[') {
			return false
		}
		n := 0
		for ; dec.More(); n++ {
			if n == len(calls) || !parseItem(dec, body, calls[n], &errs[n], &outErrs[n]) {
				return false
			}
		}
		if n != len(calls) || !delim(dec, ']') {
			return false
		}
	} else if !parseItem(dec, body, calls[0], &errs[0], &outErrs[0]) {
		return false
	}
	_, err := dec.Token()
	return err == io.EOF // nothing after the answer
}

// parseItem parses one item of a tRPC answer (see parseTRPC).
func parseItem(dec *json.Decoder, body []byte, call *Call, errp **trpcErrorItem, outErr *error) bool {
	if !delim(dec, '{') {
		return false
	}
	// Keys match as encoding/json matches them (exact, else case-folded);
	// a repeated one counts as the last.
	result := false
	out := &outState{call: call, err: outErr}
	for dec.More() {
		key, ok := objectKey(dec)
		if !ok {
			return false
		}
		switch {
		case strings.EqualFold(key, "result"):
			present, ok := parseResult(dec, body, out)
			if !ok {
				return false
			}
			result = present
		case strings.EqualFold(key, "error"):
			if dec.Decode(errp) != nil {
				return false
			}
		default:
			if dec.Decode(&discard{}) != nil {
				return false
			}
		}
	}
	return delim(dec, '}') && (result || *errp != nil)
}

// outState is the value of an item decoded into its call's Out.
type outState struct {
	call    *Call
	err     *error
	decoded bool // Out holds a value of this item
}

// reset forgets a value decoded before, for a repeated key.
func (o *outState) reset() {
	if v := reflect.ValueOf(o.call.Out); o.decoded && v.Kind() == reflect.Pointer && !v.IsNil() {
		v.Elem().SetZero()
		*o.err = nil
		o.decoded = false
	}
}

// parseResult parses a result, {"data":{"json":<value>}} or null, and
// decodes the value into call.Out. present is false for a null result.
func parseResult(dec *json.Decoder, body []byte, out *outState) (present, ok bool) {
	call := out.call
	tok, err := dec.Token()
	if err != nil {
		return false, false
	}
	if tok == nil {
		out.reset()
		return false, true
	}
	if tok != json.Delim('{') {
		return false, false
	}
	for dec.More() {
		key, ok := objectKey(dec)
		if !ok {
			return false, false
		}
		if !strings.EqualFold(key, "data") {
			if dec.Decode(&discard{}) != nil {
				return false, false
			}
			continue
		}
		tok, err := dec.Token()
		if err != nil {
			return false, false
		}
		if tok == nil {
			continue // no data: no value
		}
		if tok != json.Delim('{') {
			return false, false
		}
		for dec.More() {
			key, ok := objectKey(dec)
			if !ok {
				return false, false
			}
			isJSON := strings.EqualFold(key, "json")
			if isJSON && call.Out != nil {
				out.reset()
			}
			if !isJSON || call.Out == nil || nullNext(body, dec.InputOffset()) {
				// null is "no value" (Dokploy's undefined): Out is left
				// as it is, not cleared
				if dec.Decode(&discard{}) != nil {
					return false, false
				}
				continue
			}
			out.decoded = true
			if err := dec.Decode(call.Out); err != nil {
				var syntax *json.SyntaxError
				if errors.As(err, &syntax) || errors.Is(err, io.ErrUnexpectedEOF) {
					return false, false // the stream itself is broken
				}
				*out.err = fmt.Errorf("%s: decoding the answer: %w", call.Proc, err)
			}
		}
		if !delim(dec, '}') {
			return false, false
		}
	}
	return true, delim(dec, '}')
}

// delim reads the delimiter d.
func delim(dec *json.Decoder, d json.Delim) bool {
	tok, err := dec.Token()
	return err == nil && tok == d
}

// objectKey reads the next key of an object.
func objectKey(dec *json.Decoder) (string, bool) {
	tok, err := dec.Token()
	key, ok := tok.(string)
	return key, err == nil && ok
}

// nullNext reports whether the value after the key that ends at off in
// body (the ':' and blanks skipped) is null.
func nullNext(body []byte, off int64) bool {
	rest := body[min(int(off), len(body)):]
	rest = bytes.TrimLeft(rest, " \t\r\n")
	rest = bytes.TrimPrefix(rest, []byte(":"))
	rest = bytes.TrimLeft(rest, " \t\r\n")
	return bytes.HasPrefix(rest, []byte("null"))
}

// discard skips a JSON value without keeping it.
type discard struct{}

func (discard) UnmarshalJSON([]byte) error { return nil }

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
