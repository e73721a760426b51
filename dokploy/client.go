package dokploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
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

	HTTPClient *http.Client  // default: a client with Timeout, keeping Parallelism connections
	Timeout    time.Duration // per HTTP request; default 60s
	// URLBudget is the longest GET request line; default DefaultURLBudget.
	// A request the server refuses as too long (431) is split in halves,
	// and later batches stay under half its length.
	URLBudget int
	// Parallelism bounds the HTTP requests in flight at once, over all the
	// round trips of the client (the chunks of a tRPC round trip, REST's
	// one request per call); default 8.
	Parallelism int
	// MaxRequests, when positive, is the most HTTP requests the client
	// sends (--max-requests). A round trip that would go past it is not
	// sent at all: its calls get a *BudgetError. Retries of reads and the
	// halves of a batch refused as too long count too.
	MaxRequests int
	// Retry bounds the retries of reads; zero fields take the defaults.
	Retry Retry
	// Sleep waits d before a retry unless ctx ends first; default a timer.
	// Tests replace it to not wait.
	Sleep func(ctx context.Context, d time.Duration) error
	// Log, when set, gets one line per HTTP request (method, path, number of
	// calls, status, duration) and per retry. Never headers, keys or bodies.
	Log io.Writer
	// Notice, when set and Log is not, gets a line for each retry, so that
	// a slow or failing server is never silent.
	Notice    io.Writer
	UserAgent string
}

// Client calls Dokploy procedures. It is safe for concurrent use.
type Client struct {
	opts       Options
	base       *url.URL
	http       *http.Client
	retry      Retry
	sleep      func(context.Context, time.Duration) error
	budget     *budget
	slots      chan struct{} // one per request in flight (Parallelism)
	urlLimit   atomic.Int64  // URLBudget, lowered after a 431
	rest       atomic.Bool   // true once the client uses REST (chosen or fallen back to)
	requests   atomic.Int64
	roundTrips atomic.Int64
	logMu      sync.Mutex
}

// New returns a client for the Dokploy server at opts.BaseURL.
func New(opts Options) (*Client, error) {
	if opts.BaseURL == "" {
		return nil, errors.New("no Dokploy URL: set DOKPLOY_URL or --url to the panel's base URL (e.g. https://dokploy.example.com)")
	}
	u, err := url.Parse(strings.TrimRight(opts.BaseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("dokploy URL %q: must be an http(s) URL like https://dokploy.example.com", HideURLPassword(opts.BaseURL))
	}
	if strings.HasSuffix(u.Path, "/api") || strings.HasSuffix(u.Path, "/api/trpc") {
		return nil, fmt.Errorf("dokploy URL %q: give the panel's base URL, without %s (dokploy-sync adds the API paths)", HideURLPassword(opts.BaseURL), u.Path[strings.LastIndex(u.Path, "/api"):])
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
		// Keep a connection per request in flight: net/http keeps only 2
		// idle per host and would dial (and TLS-handshake) the others again.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = opts.Parallelism
		hc = &http.Client{Timeout: opts.Timeout, Transport: t}
	}
	c := &Client{
		opts:   opts,
		base:   u,
		http:   hc,
		retry:  opts.Retry.withDefaults(),
		sleep:  opts.Sleep,
		budget: newBudget(opts.MaxRequests),
		slots:  make(chan struct{}, opts.Parallelism),
	}
	if c.sleep == nil {
		c.sleep = Sleep
	}
	c.urlLimit.Store(int64(opts.URLBudget))
	c.rest.Store(opts.API == APIREST)
	return c, nil
}

// Requests returns how many HTTP requests the client has sent.
func (c *Client) Requests() int64 { return c.requests.Load() }

// RoundTrips returns how many calls of Do sent at least one request.
func (c *Client) RoundTrips() int64 { return c.roundTrips.Load() }

// Transport returns the transport in use: "trpc" or "rest".
func (c *Client) Transport() string {
	if c.rest.Load() {
		return APIREST
	}
	return APITRPC
}

// Do runs calls as one round trip and sets each call's Err: an *Error for an
// error answer of the server, an *UncertainError for a mutation sent without
// an answer, a *BudgetError or the context's error for a call not sent, and
// another error for a read that failed without an answer. It returns nil
// when every call succeeded, the error when one failed or all failed alike,
// else an error counting the failures by procedure and wrapping the first.
//
// Do respects ctx: when it ends, requests in flight are abandoned and no
// new one is sent.
func (c *Client) Do(ctx context.Context, calls ...*Call) error {
	var todo []*Call
	for _, call := range calls {
		call.in, call.Err = json.Marshal(call.Input)
		if call.Err != nil {
			call.Err = fmt.Errorf("%s: encoding input: %w", call.Proc, call.Err)
			continue
		}
		todo = append(todo, call)
	}
	if len(todo) == 0 {
		return callsError(calls)
	}
	if err := ctx.Err(); err != nil {
		for _, call := range todo {
			call.Err = err
		}
		return callsError(calls)
	}
	if c.rest.Load() {
		c.doREST(ctx, todo)
		return callsError(calls)
	}
	c.doTRPC(ctx, todo)
	var refused []*Call
	for _, call := range todo {
		var r *errRefused
		if errors.As(call.Err, &r) {
			refused = append(refused, call)
		}
	}
	if len(refused) > 0 && c.opts.API != APITRPC {
		c.logf("tRPC refused (%v); using REST from now on", refused[0].Err)
		c.rest.Store(true)
		c.doREST(ctx, refused)
	}
	return callsError(calls)
}

// parallel runs f(0..n-1) concurrently; send bounds the requests in flight.
func parallel(n int, f func(i int)) {
	if n == 1 {
		f(0)
		return
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { f(i) })
	}
	wg.Wait()
}

// request is one HTTP request carrying calls.
type request struct {
	method string
	url    string
	line   int    // length of the request line's target (path and query)
	body   []byte // nil for GET
	path   string // for logs and errors: never the query, which can be long
	calls  []*Call
}

// answer is what send got back.
type answer struct {
	status     int
	body       []byte
	retryAfter time.Duration
}

// errTooLong is exchange's report of a 431: the caller splits the batch.
var errTooLong = errors.New("request line too long")

// exchange sends rq, retrying a read, and sets the Err of its calls from the
// answer (decode) or the failure. It returns errTooLong, with the calls'
// Err unset, when the server refused the request line as too long. The
// caller has reserved one unit of the request budget for rq.
func (c *Client) exchange(ctx context.Context, rq *request, decode func(int, []byte, []*Call) error) error {
	read := rq.method == http.MethodGet
	for attempt := 1; ; attempt++ {
		ans, sent, err := c.send(ctx, rq)
		if err == nil && ans.status == http.StatusRequestHeaderFieldsTooLarge {
			return errTooLong
		}
		var bad error // the answer is not the API's
		if err == nil {
			bad = decode(ans.status, ans.body, rq.calls)
			var r *errRefused
			if errors.As(bad, &r) {
				return nil
			}
		}
		if read && ctx.Err() == nil && retryable(ans.status, err) && attempt < c.retry.Attempts {
			again, werr := c.wait(ctx, rq, attempt, ans, err)
			if again {
				continue
			}
			if werr != nil {
				err, sent = werr, false
			}
		}
		switch {
		case err != nil:
			for _, call := range rq.calls {
				call.Err = failure(call, read, sent, err)
			}
		case bad != nil && !read && ans.status >= 500:
			// A proxy's 5xx: the server behind it may have run the calls.
			for _, call := range rq.calls {
				call.Err = &UncertainError{Proc: call.Proc, Err: fmt.Errorf("HTTP %d without an API answer", ans.status)}
			}
		}
		return nil
	}
}

// failure is the error of a call whose request got no answer: a mutation
// that may have reached the server is uncertain; a call cut short by the
// end of the caller's context gets the context's error.
func failure(call *Call, read, sent bool, err error) error {
	switch {
	case !read && sent:
		return &UncertainError{Proc: call.Proc, Err: err}
	case err == context.Canceled || err == context.DeadlineExceeded:
		return err
	}
	return fmt.Errorf("%s: %w", call.Proc, err)
}

// send performs one HTTP request. sent is false when nothing reached the
// network (the context ended first, or the connection could not be made);
// the request's budget unit is then given back unless a connection was
// attempted.
func (c *Client) send(ctx context.Context, rq *request) (ans answer, sent bool, err error) {
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		c.budget.release(1)
		return ans, false, ctx.Err()
	}
	defer func() { <-c.slots }()
	if err := ctx.Err(); err != nil {
		c.budget.release(1)
		return ans, false, err
	}
	var body io.Reader
	if rq.body != nil {
		body = bytes.NewReader(rq.body)
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, rq.url, body)
	if err != nil {
		c.budget.release(1)
		return ans, false, err
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
		c.logf("%s %s (%d calls): %v", rq.method, rq.path, len(rq.calls), scrubURLError(err))
		if ctx.Err() != nil {
			return ans, true, ctx.Err()
		}
		var op *net.OpError
		sent := !(errors.As(err, &op) && op.Op == "dial")
		return ans, sent, fmt.Errorf("%s %s: %w", rq.method, rq.path, scrubURLError(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	c.logf("%s %s (%d calls) -> %d in %s", rq.method, rq.path, len(rq.calls), resp.StatusCode, time.Since(start).Round(time.Millisecond))
	if err != nil {
		if ctx.Err() != nil {
			return ans, true, ctx.Err()
		}
		return ans, true, fmt.Errorf("%s %s: reading the answer: %w", rq.method, rq.path, err)
	}
	return answer{status: resp.StatusCode, body: data, retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"))}, true, nil
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

// HideURLPassword replaces the password of a URL with credentials
// (scheme://user:PASSWORD@host) by "xxxxx", also in a URL that does not
// parse, and a bare token (scheme://TOKEN@host) likewise.
func HideURLPassword(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndex(rest[:end], "@")
	if at < 0 {
		return raw
	}
	user, _, hasPassword := strings.Cut(rest[:at], ":")
	if !hasPassword {
		user = ""
	} else {
		user += ":"
	}
	return scheme + "://" + user + "xxxxx" + rest[at:]
}
