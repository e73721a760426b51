package dokploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// API names a transport choice: "auto" (tRPC, falling back to REST when the
// server or a proxy refuses /api/trpc), "trpc" or "rest".
const (
	APIAuto = "auto"
	APITRPC = "trpc"
	APIREST = "rest"
)

// DefaultURLBudget is the longest GET request line (path and query) the
// client sends by default. Dokploy (Node) answers 431 past about 16 KB and
// common reverse proxies cut at 8 KB.
const DefaultURLBudget = 8 << 10

// Options configure a Client.
type Options struct {
	BaseURL string // the panel's base URL, e.g. https://dokploy.example.com
	APIKey  string // sent as x-api-key; never logged
	API     string // APIAuto (default), APITRPC or APIREST

	HTTPClient  *http.Client  // default: a client with Timeout
	Timeout     time.Duration // per HTTP request; default 60s
	URLBudget   int           // max GET request line; default DefaultURLBudget
	Parallelism int           // concurrent HTTP requests; default 8
	// Log, when set, gets one line per HTTP request (method, path, number of
	// calls, status, duration). Never headers, keys or bodies.
	Log       io.Writer
	UserAgent string
}

// Client calls Dokploy procedures. It is safe for concurrent use.
type Client struct {
	opts     Options
	base     *url.URL
	http     *http.Client
	rest     atomic.Bool // true once the client uses REST (chosen or fallen back to)
	requests atomic.Int64
	logMu    sync.Mutex
}

// New returns a client for the Dokploy server at opts.BaseURL.
func New(opts Options) (*Client, error) {
	if opts.BaseURL == "" {
		return nil, errors.New("no Dokploy URL: set DOKPLOY_URL or --url to the panel's base URL (e.g. https://dokploy.example.com)")
	}
	u, err := url.Parse(strings.TrimRight(opts.BaseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("dokploy URL %q: must be an http(s) URL like https://dokploy.example.com", opts.BaseURL)
	}
	if opts.APIKey == "" {
		return nil, errors.New("no API key: set DOKPLOY_API_KEY (or DOKPLOY_AUTH_TOKEN, or --api-key); create one in Dokploy under Settings > Profile > API keys")
	}
	switch opts.API {
	case "":
		opts.API = APIAuto
	case APIAuto, APITRPC, APIREST:
	default:
		return nil, fmt.Errorf("--api: must be auto, trpc or rest, got %q", opts.API)
	}
	if opts.Timeout == 0 {
		opts.Timeout = 60 * time.Second
	}
	if opts.URLBudget <= 0 {
		opts.URLBudget = DefaultURLBudget
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = 8
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "dokploy-sync"
	}
	hc := opts.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: opts.Timeout}
	}
	c := &Client{opts: opts, base: u, http: hc}
	c.rest.Store(opts.API == APIREST)
	return c, nil
}

// Requests returns how many HTTP requests the client has sent.
func (c *Client) Requests() int64 { return c.requests.Load() }

// Transport returns the transport in use: "trpc" or "rest".
func (c *Client) Transport() string {
	if c.rest.Load() {
		return APIREST
	}
	return APITRPC
}

// Do runs calls as one round trip and sets each call's Err. It returns the
// first error in call order, or nil when every call succeeded.
func (c *Client) Do(ctx context.Context, calls ...*Call) error {
	if len(calls) == 0 {
		return nil
	}
	for _, call := range calls {
		call.Err = nil
	}
	if c.rest.Load() {
		c.doREST(ctx, calls)
	} else {
		refused := c.doTRPC(ctx, calls)
		if refused != nil {
			if c.opts.API == APITRPC {
				for _, call := range calls {
					call.Err = refused
				}
			} else {
				c.logf("tRPC refused (%v); using REST from now on", refused)
				c.rest.Store(true)
				for _, call := range calls {
					call.Err = nil
				}
				c.doREST(ctx, calls)
			}
		}
	}
	for _, call := range calls {
		if call.Err != nil {
			return call.Err
		}
	}
	return nil
}

// errRefused marks a tRPC request that the server or a proxy refused as a
// whole (no tRPC answer): the REST face may still work.
type errRefused struct {
	status int
}

func (e *errRefused) Error() string {
	return fmt.Sprintf("the server refused /api/trpc (HTTP %d); try --api=rest", e.status)
}

// doTRPC sends the calls in batches; it returns an *errRefused when the
// first request shows that /api/trpc is not served.
func (c *Client) doTRPC(ctx context.Context, calls []*Call) error {
	var queries, mutations []*Call
	for _, call := range calls {
		if IsQuery(call.Proc) {
			queries = append(queries, call)
		} else {
			mutations = append(mutations, call)
		}
	}
	var batches [][]*Call
	for _, group := range [][]*Call{queries, mutations} {
		batches = append(batches, c.chunk(group)...)
	}
	errs := make([]error, len(batches))
	c.parallel(len(batches), func(i int) { errs[i] = c.sendTRPC(ctx, batches[i]) })
	for _, err := range errs {
		var r *errRefused
		if errors.As(err, &r) {
			return err
		}
	}
	return nil
}

// parallel runs f(0..n-1) with at most Parallelism at once.
func (c *Client) parallel(n int, f func(i int)) {
	if n == 1 {
		f(0)
		return
	}
	sem := make(chan struct{}, c.opts.Parallelism)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			f(i)
		}()
	}
	wg.Wait()
}

// trpcItem is the encoded form of one call in a batch: its procedure and the
// URL-escaped `"i":{"json":...}` member of the input object.
func encodeInput(call *Call) ([]byte, error) {
	in, err := json.Marshal(call.Input)
	if err != nil {
		return nil, fmt.Errorf("%s: encoding input: %w", call.Proc, err)
	}
	return append(append([]byte(`{"json":`), in...), '}'), nil
}

// chunk splits calls into batches whose request line stays under the URL
// budget: for queries the input travels in the URL, for mutations only the
// procedure names do. A call too large on its own travels alone.
func (c *Client) chunk(calls []*Call) [][]*Call {
	if len(calls) == 0 {
		return nil
	}
	budget := c.opts.URLBudget
	fixed := len(c.base.Path) + len("/api/trpc/") + len("?batch=1&input=") + len(url.QueryEscape("{}")) + 16
	var out [][]*Call
	var cur []*Call
	size := fixed
	for i, call := range calls {
		n := len(call.Proc) + 1
		if IsQuery(call.Proc) {
			enc, err := encodeInput(call)
			if err == nil {
				n += len(url.QueryEscape(fmt.Sprintf(`"%d":`, len(cur)))) + len(url.QueryEscape(string(enc))) + 3
			}
		}
		if len(cur) > 0 && size+n > budget {
			out = append(out, cur)
			cur, size = nil, fixed
		}
		cur = append(cur, calls[i])
		size += n
	}
	return append(out, cur)
}

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

func (c *Client) sendTRPC(ctx context.Context, calls []*Call) error {
	procs := make([]string, len(calls))
	for i, call := range calls {
		procs[i] = call.Proc
	}
	batch := len(calls) > 1
	query := IsQuery(calls[0].Proc)
	inputs := make([][]byte, len(calls))
	for i, call := range calls {
		enc, err := encodeInput(call)
		if err != nil {
			call.Err = err
			return nil
		}
		inputs[i] = enc
	}
	var payload []byte
	if batch {
		var b bytes.Buffer
		b.WriteByte('{')
		for i, in := range inputs {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"%d":`, i)
			b.Write(in)
		}
		b.WriteByte('}')
		payload = b.Bytes()
	} else {
		payload = inputs[0]
	}
	u := *c.base
	u.Path = c.base.Path + "/api/trpc/" + strings.Join(procs, ",")
	q := url.Values{}
	if batch {
		q.Set("batch", "1")
	}
	method := http.MethodPost
	var body io.Reader
	if query {
		method = http.MethodGet
		if calls[0].Input != nil || batch {
			q.Set("input", string(payload))
		}
	} else {
		body = bytes.NewReader(payload)
	}
	u.RawQuery = q.Encode()
	status, respBody, err := c.send(ctx, method, u.String(), body, len(calls))
	if err != nil {
		for _, call := range calls {
			call.Err = err
		}
		return nil
	}
	var items []trpcItem
	if batch {
		err = json.Unmarshal(respBody, &items)
	} else {
		var one trpcItem
		err = json.Unmarshal(respBody, &one)
		items = []trpcItem{one}
	}
	if err != nil || len(items) != len(calls) {
		if status == http.StatusNotFound || status == http.StatusMethodNotAllowed || status == http.StatusForbidden || status == http.StatusNotImplemented {
			return &errRefused{status: status}
		}
		var e error = &Error{Proc: strings.Join(procs, ","), Status: status, Message: unexpectedBody(status, respBody)}
		if status == http.StatusRequestHeaderFieldsTooLarge {
			e = fmt.Errorf("%s: the server refused a request line of %d bytes (HTTP 431); lower --url-budget", procs[0], len(u.String()))
		}
		for _, call := range calls {
			call.Err = e
		}
		return nil
	}
	for i, call := range calls {
		it := items[i]
		switch {
		case it.Error != nil:
			e := it.Error.JSON
			ae := &Error{Proc: call.Proc, Status: e.Data.HTTPStatus, Code: e.Data.Code, Message: e.Message}
			if ae.Status == 0 {
				ae.Status = status
			}
			if e.Data.ZodError != nil {
				ae.FieldErrors = e.Data.ZodError.FieldErrors
			}
			call.Err = ae
		case it.Result != nil:
			call.Err = decodeOut(call, it.Result.Data.JSON)
		default:
			call.Err = &Error{Proc: call.Proc, Status: status, Message: "answer has neither result nor error"}
		}
	}
	return nil
}

func decodeOut(call *Call, data []byte) error {
	if call.Out == nil || len(data) == 0 || string(data) == "null" {
		return nil
	}
	if err := json.Unmarshal(data, call.Out); err != nil {
		return fmt.Errorf("%s: decoding the answer: %w", call.Proc, err)
	}
	return nil
}

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

type restError struct {
	Message string `json:"message"`
	Code    string `json:"code"`
	Data    *struct {
		ZodError *struct {
			FieldErrors map[string][]string `json:"fieldErrors"`
		} `json:"zodError"`
	} `json:"data"`
}

func (c *Client) doREST(ctx context.Context, calls []*Call) {
	c.parallel(len(calls), func(i int) { c.sendREST(ctx, calls[i]) })
}

func (c *Client) sendREST(ctx context.Context, call *Call) {
	u := *c.base
	u.Path = c.base.Path + "/api/" + call.Proc
	method := http.MethodPost
	var body io.Reader
	if IsQuery(call.Proc) {
		method = http.MethodGet
		q, err := queryParams(call.Input)
		if err != nil {
			call.Err = fmt.Errorf("%s: %w", call.Proc, err)
			return
		}
		u.RawQuery = q.Encode()
	} else {
		in, err := json.Marshal(call.Input)
		if err != nil {
			call.Err = fmt.Errorf("%s: encoding input: %w", call.Proc, err)
			return
		}
		body = bytes.NewReader(in)
	}
	status, respBody, err := c.send(ctx, method, u.String(), body, 1)
	if err != nil {
		call.Err = err
		return
	}
	if status >= 200 && status < 300 {
		call.Err = decodeOut(call, respBody)
		return
	}
	var re restError
	if json.Unmarshal(respBody, &re) != nil || re.Message == "" {
		call.Err = &Error{Proc: call.Proc, Status: status, Message: unexpectedBody(status, respBody)}
		return
	}
	ae := &Error{Proc: call.Proc, Status: status, Code: re.Code, Message: re.Message}
	if re.Data != nil && re.Data.ZodError != nil {
		ae.FieldErrors = re.Data.ZodError.FieldErrors
	}
	call.Err = ae
}

// queryParams flattens a query input into REST query parameters.
func queryParams(input any) (url.Values, error) {
	q := url.Values{}
	if input == nil {
		return q, nil
	}
	raw, err := json.Marshal(input)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
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

// send performs one HTTP request and returns its status and body.
func (c *Client) send(ctx context.Context, method, rawURL string, body io.Reader, ncalls int) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, body)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("x-api-key", c.opts.APIKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.opts.UserAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.requests.Add(1)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.logf("%s %s (%d calls): %v", method, req.URL.Path, ncalls, err)
		if ctx.Err() != nil {
			return 0, nil, ctx.Err()
		}
		return 0, nil, fmt.Errorf("%s %s: %w", method, req.URL.Redacted(), scrubURLError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	c.logf("%s %s (%d calls) -> %d in %s", method, req.URL.Path, ncalls, resp.StatusCode, time.Since(start).Round(time.Millisecond))
	if err != nil {
		return 0, nil, fmt.Errorf("%s %s: reading the answer: %w", method, req.URL.Path, err)
	}
	return resp.StatusCode, data, nil
}

// scrubURLError drops the URL (with its query, which can be long) from a
// *url.Error; the caller names the request itself.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func (c *Client) logf(format string, args ...any) {
	if c.opts.Log == nil {
		return
	}
	c.logMu.Lock()
	defer c.logMu.Unlock()
	fmt.Fprintf(c.opts.Log, "dokploy: "+format+"\n", args...)
}
