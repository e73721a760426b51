package dokploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
)

// sendTRPC sends one batch. When the server or a proxy refuses it as too
// long (its request line: 431 or 414; its body: 413; see tooLong), it
// sends the two halves instead, down to single calls, and later batches
// stay under half the refused length.
func (c *Client) sendTRPC(ctx context.Context, calls []*Call) {
	rq := c.trpcRequest(calls)
	var long *tooLong
	if !errors.As(c.exchange(ctx, rq, decodeTRPC), &long) {
		return
	}
	if len(calls) == 1 {
		calls[0].Err = refusedAlone(calls[0], rq, long)
		return
	}
	if long.body() {
		c.lower(&c.bodyLimit, len(rq.body), long.status, "body", "--body-budget")
	} else {
		c.lower(&c.urlLimit, rq.line, long.status, "request line", "--url-budget")
	}
	if !c.reserve(2, calls) {
		return
	}
	half := len(calls) / 2
	parallel(2, func(i int) {
		if i == 0 {
			c.sendTRPC(ctx, calls[:half])
		} else {
			c.sendTRPC(ctx, calls[half:])
		}
	})
}

// lower sets limit to half of refused, the length of a request's line or
// body the server refused, unless it is already lower.
func (c *Client) lower(limit *atomic.Int64, refused, status int, what, flag string) {
	for half := int64(refused / 2); ; {
		cur := limit.Load()
		if half >= cur {
			return
		}
		if limit.CompareAndSwap(cur, half) {
			c.logf("the server refused a %s of %d bytes (HTTP %d); sending at most %d from now on (see %s)", what, refused, status, half, flag)
			return
		}
	}
}

// refusedAlone is the error of a call whose request alone is too long.
func refusedAlone(call *Call, rq *request, long *tooLong) error {
	if long.body() {
		return fmt.Errorf("%s: the server or a proxy in front of it refuses the body of %d bytes that this call alone needs (HTTP %d): raise the proxy's body limit (nginx: client_max_body_size)", call.Proc, len(rq.body), long.status)
	}
	return fmt.Errorf("%s: the server refuses the request line of %d bytes that this call alone needs (HTTP %d); its input is too large to be read", call.Proc, rq.line, long.status)
}

// trpcRequest builds the request of a batch (or of a single call).
func (c *Client) trpcRequest(calls []*Call) *request {
	batch := len(calls) > 1
	procs := make([]string, len(calls))
	var payload bytes.Buffer
	if batch {
		payload.WriteByte('{')
	}
	for i, call := range calls {
		procs[i] = call.Proc
		if batch {
			if i > 0 {
				payload.WriteByte(',')
			}
			payload.WriteString(`"` + strconv.Itoa(i) + `":`)
		}
		payload.WriteString(`{"json":`)
		payload.Write(call.in)
		payload.WriteByte('}')
	}
	if batch {
		payload.WriteByte('}')
	}
	rq := &request{method: http.MethodPost, calls: calls, trpc: true}
	u := *c.base
	u.Path = c.base.Path + "/api/trpc/" + strings.Join(procs, ",")
	q := url.Values{}
	if batch {
		q.Set("batch", "1")
	}
	if IsQuery(calls[0].Proc) {
		rq.method = http.MethodGet
		if calls[0].Input != nil || batch {
			q.Set("input", payload.String())
		}
	} else {
		rq.body = payload.Bytes()
	}
	u.RawQuery = q.Encode()
	rq.url, rq.line, rq.path, rq.prefix = u.String(), requestLine(rq.method, u.RequestURI()), u.Path, c.base.Path+"/api/trpc/"
	if batch { // a batch's path names every call: the log gives their number
		rq.path = c.base.Path + "/api/trpc"
	}
	return rq
}

// requestLine is the length of the HTTP/1.1 request line of a request:
// method, space, target (path and query), space, "HTTP/1.1", CRLF. That is
// what servers and proxies limit (nginx's large_client_header_buffers: a
// request line must fit one buffer, 8 KB by default, else 414; Node counts
// it with the headers, 16 KB, else 431).
func requestLine(method, target string) int {
	return len(method) + 1 + len(target) + len(" HTTP/1.1\r\n")
}

// chunk splits calls of one kind (queries or mutations) into batches whose
// request line (requestLine) stays under the URL limit: a query's input
// travels in the URL, a mutation's only in the body, so that only its name
// counts. A call too large on its own travels alone.
func (c *Client) chunk(calls []*Call) [][]*Call {
	if len(calls) == 0 {
		return nil
	}
	limit, bodyLimit := int(c.urlLimit.Load()), int(c.bodyLimit.Load())
	// the request line around the target (the longer method: a POST batch
	// of mutations), the path prefix, "?batch=1&input=", the escaped
	// braces of the input
	fixed := requestLine(http.MethodPost, "") + len(c.base.EscapedPath()) + len("/api/trpc/") + len("?batch=1&input=") + 2*len("%7B")
	query := IsQuery(calls[0].Proc)
	cost := func(call *Call, i int) (line, body int) {
		line = len(call.Proc) + 1 // name and comma
		if query {                // "i":{"json":<in>}, and a comma
			line += escapedLen(`"`) + decimalLen(i) + escapedLen(`":{"json":`) + escapedLen(call.in) + len("%7D%2C")
		} else { // the same in the body, unescaped
			body = len(`"":{"json":},`) + decimalLen(i) + len(call.in)
		}
		return line, body
	}
	var out [][]*Call
	var cur []*Call
	size, body := fixed, len("{}")
	for _, call := range calls {
		l, b := cost(call, len(cur))
		if len(cur) > 0 && (size+l > limit || body+b > bodyLimit) {
			out = append(out, cur)
			cur, size, body = nil, fixed, len("{}")
			l, b = cost(call, 0)
		}
		size += l
		body += b
		cur = append(cur, call)
	}
	return append(out, cur)
}

// decimalLen is len(strconv.Itoa(i)) for i >= 0: its digits travel as
// they are in a query.
func decimalLen(i int) int {
	n := 1
	for ; i >= 10; i /= 10 {
		n++
	}
	return n
}

// escapedLen is len(url.QueryEscape(s)) without building it.
func escapedLen[T string | []byte](s T) int {
	n := 0
	for i := 0; i < len(s); i++ {
		switch b := s[i]; {
		case 'a' <= b && b <= 'z', 'A' <= b && b <= 'Z', '0' <= b && b <= '9',
			b == '-', b == '_', b == '.', b == '~', b == ' ':
			n++
		default:
			n += 3
		}
	}
	return n
}
