package dokploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
)

// sendREST sends the one call of a REST request.
func (c *Client) sendREST(ctx context.Context, call *Call) {
	rq, err := c.restRequest(call)
	if err != nil {
		c.budget.release(1)
		call.Err = fmt.Errorf("%s: %w", call.Proc, err)
		return
	}
	var long *tooLong
	if errors.As(c.exchange(ctx, rq, decodeRESTCalls), &long) {
		call.Err = refusedAlone(call, rq, long)
	}
}

func decodeRESTCalls(status int, body []byte, calls []*Call) error {
	return decodeREST(status, body, calls[0])
}

// restRequest builds the request of one call: a query's input as flat query
// parameters, a mutation's as a JSON body.
func (c *Client) restRequest(call *Call) (*request, error) {
	rq := &request{method: http.MethodPost, calls: []*Call{call}}
	u := *c.base
	u.Path = c.base.Path + "/api/" + call.Proc
	if IsQuery(call.Proc) {
		rq.method = http.MethodGet
		q, err := queryParams(call.in)
		if err != nil {
			return nil, err
		}
		u.RawQuery = q.Encode()
	} else {
		rq.body = call.in
	}
	rq.url, rq.line, rq.path, rq.prefix = u.String(), requestLine(rq.method, u.RequestURI()), u.Path, c.base.Path+"/api/"
	return rq, nil
}

// queryParams flattens a query's JSON input into REST query parameters.
func queryParams(input []byte) (url.Values, error) {
	q := url.Values{}
	var m map[string]any
	if err := json.Unmarshal(input, &m); err != nil {
		return nil, fmt.Errorf("query input must be an object: %w", err)
	}
	for k, v := range m {
		switch v := v.(type) {
		case nil:
		case string:
			q.Set(k, v)
		case float64:
			q.Set(k, strconv.FormatFloat(v, 'f', -1, 64))
		case bool:
			q.Set(k, strconv.FormatBool(v))
		default:
			return nil, fmt.Errorf("query input %q: only scalars travel in a query string", k)
		}
	}
	return q, nil
}
