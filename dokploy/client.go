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

// DefaultURLBudget is the longest request line (method, target, protocol
// and CRLF: requestLine) the client sends by default. Dokploy (Node)
// answers 431 past about 16 KB, and nginx in front of a panel 414 past one
// of its large_client_header_buffers, 8 KB by default.
const DefaultURLBudget = 8 << 10

// DefaultBodyBudget is the largest request body (a tRPC batch of
// mutations) the client sends by default: nginx's default
// client_max_body_size, 1 MB, past which a proxy in front of a panel
// answers 413. Dokploy itself reads up to 1 GB (pages/api/trpc/[trpc].ts).
const DefaultBodyBudget = 1 << 20

// The bounds of the calls in flight at once, over every request of a
// client (Options.MaxPoolCalls, MaxHostCalls, MaxMutations; and, for a key
// whose role is neither owner nor admin, one create of a project,
// environment or service: access.go):
//   - pool-holding calls (pool.go): 4. Dokploy's Postgres pool has 10
//     connections, and 10 of these deadlock it; 4 leave 6 for the UI, the
//     deploy queue and the second connection each of the 4 needs.
//   - calls that run commands on Dokploy's host (host.go: deletes, stops,
//     starts, database deploys): 16. Each runs a docker CLI process or an
//     SSH session for seconds; 16, not the 1024 of mutations in general,
//     keep a small panel's memory out of it (the size of each process was
//     not measured).
//   - mutations in general: 1024. None holds a pool connection while it
//     waits for another: in Dokploy v0.30.2 application.create
//     (routers/application.ts:82-140) awaits findEnvironmentById,
//     findProjectById, checkServiceAccess, getWebServerSettings,
//     validUniqueServerAppName, a transaction that holds one connection
//     for its one insert (services/application.ts:69-91), addNewService
//     and audit, one query at a time; application.update and the save*
//     procedures are one UPDATE (updateApplication, services/
//     application.ts:147) between permission reads (routers/
//     application.ts:376-681); the other kinds' create and update
//     procedures have the same shape, and those that do not are
//     PoolHolding. Like reads (DefaultMaxReadBatches), they queue for the
//     10 connections and cost the panel the same queries whether sent
//     together or in turns: 1024 are some 10,000 short queries, which UI
//     requests and the deploy queue wait behind (about half a second at
//     half a millisecond a query: an estimate, not measured on a panel). 1024 send the creates and then the
//     writes of 2,000 services in 2 round trips each, where 256 took 8
//     and 16.
//
// Reads hold no connection across queries (see DefaultMaxReadBatches):
// their tRPC batches have a bound of their own, MaxReadBatches.
const (
	DefaultMaxPoolCalls = 4
	DefaultMaxHostCalls = 16
	DefaultMaxMutations = 1024
)

// DefaultMaxReadBatches bounds the tRPC read batches (GET) in flight at
// once (Options.MaxReadBatches, --max-read-batches). It is high enough that
// the reads of one round trip go together, so that plan's read takes two
// latency periods whatever its size: 5,000 services are some 10,000 reads
// (15,000 when all are applications, each with its schedules and volume
// backups), 70 a batch under the default URL budget: 150 to 220 batches.
//
// Reads do not hold Dokploy's pool the way pool-holding mutations do. In
// Dokploy v0.30.2 every read procedure Observe uses awaits one query at a
// time on the global pool (packages/server/src/db/index.ts:
// drizzle(postgres(dbUrl))), in no transaction, so a query holds a
// connection only while it runs: project.all and project.one
// (routers/project.ts:221,109), application.one (routers/application.ts:141:
// checkServiceAccess, findApplicationById, canEditDeployGitSource),
// compose.one (compose.ts:138), postgres, mysql, mariadb, mongo, redis and
// libsql .one (postgres.ts:128, mysql.ts:125, mariadb.ts:121, mongo.ts:124,
// redis.ts:115, libsql.ts:107), schedule.list (schedule.ts:201),
// volumeBackups.list (volume-backups.ts:37), user.get, tag.all,
// gitProvider.getAll and the instance kinds' .all (withPermission, then one
// findMany); the services they call (packages/server/src/services:
// find<Service>ById, findProjectById, findServerById, findMemberByUserId,
// checkPermission, checkServiceAccess, checkServicePermissionAndAccess,
// canEditDeployGitSource, getAccessibleGitProviderIds) are single
// db.query calls with no db.transaction. A tRPC batch runs its procedures
// concurrently, so thousands of reads queue for the 10 connections and
// are served one query each; none waits for a second connection while
// holding one, so no number of them can deadlock the pool. They cost the
// panel the same queries whether sent together or in turns; together, UI
// requests wait behind them for the time they take (a fraction of a
// second per thousand services), not a latency period per 8 batches.
const DefaultMaxReadBatches = 256

// Options configure a Client.
type Options struct {
	BaseURL string // the panel's base URL, e.g. https://dokploy.example.com
	APIKey  string // sent as x-api-key; never logged
	API     string // APIAuto (default), APITRPC or APIREST

	HTTPClient *http.Client  // default: a client with Timeout, keeping Parallelism connections
	Timeout    time.Duration // per HTTP request; default 60s
	// URLBudget is the longest request line, whole: "GET ", the target
	// (path and query), " HTTP/1.1" and CRLF; default DefaultURLBudget. A
	// request the server or a proxy refuses as too long (431, or 414 URI
	// Too Long) is split in halves, and later batches stay under half its
	// length.
	URLBudget int
	// BodyBudget is the largest request body a batch of mutations may
	// have; default DefaultBodyBudget. A batch refused as too large (413)
	// is split in halves, and later batches stay under half its size.
	BodyBudget int
	// Parallelism bounds the HTTP requests in flight at once, over all the
	// round trips of the client (tRPC mutation batches, REST's one request
	// per call), tRPC read batches aside (MaxReadBatches); default 8.
	Parallelism int
	// MaxReadBatches bounds the tRPC read batches (GET) in flight at once,
	// over every request of the client; default DefaultMaxReadBatches,
	// which sends the reads of a round trip together (reads hold no pool
	// connection across queries).
	MaxReadBatches int
	// MaxPoolCalls bounds the pool-holding calls (PoolHolding) in flight
	// at once, over every request of the client; default
	// DefaultMaxPoolCalls. Dokploy's 10-connection pool deadlocks at 10.
	MaxPoolCalls int
	// MaxHostCalls bounds the calls that run commands on Dokploy's host
	// (HostWork: deletes, stops, starts, database deploys) in flight at
	// once, over every request of the client; default
	// DefaultMaxHostCalls.
	MaxHostCalls int
	// MaxMutations bounds the mutation calls in flight at once, over every
	// request of the client, pool-holding ones included; default
	// DefaultMaxMutations. Reads are bounded by MaxReadBatches (tRPC) or
	// Parallelism (REST) and the URL budget.
	MaxMutations int
	// MaxRequests, when positive, is the most HTTP requests the client
	// sends (--max-requests). A round trip that would go past it is not
	// sent at all: its calls get a *BudgetError. Retries of reads and the
	// halves of a batch refused as too long count too.
	MaxRequests int
	// Abort, when set, is what cuts the requests under way: the context
	// given to Do only stops new requests from starting (the first Ctrl-C:
	// a mutation cut off halfway has an unknown outcome), Abort ends those
	// in flight too (the second).
	Abort context.Context
	// LostAnswerHold is how long the pool slot of a pool-holding call whose
	// answer was lost stays taken (schedule.go); default Timeout.
	LostAnswerHold time.Duration
	// AllowHTTP lets BaseURL be plain http to a host that is not loopback,
	// where the API key travels in clear (--allow-http).
	AllowHTTP bool
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
	readSlots  chan struct{} // one per tRPC read batch in flight (MaxReadBatches)
	poolSem    *semaphore    // pool-holding calls in flight (MaxPoolCalls)
	hostSem    *semaphore    // host-work calls in flight (MaxHostCalls)
	mutSem     *semaphore    // mutation calls in flight (MaxMutations)
	accessSem  *semaphore    // AppendsAccess calls in flight when serial: one
	serial     atomic.Bool   // the key's role needs its AppendsAccess calls one at a time (SetRole)
	urlLimit   atomic.Int64  // URLBudget, lowered after a 431 or 414
	bodyLimit  atomic.Int64  // BodyBudget, lowered after a 413
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
	if !opts.AllowHTTP {
		if err := insecureURL(u); err != nil {
			return nil, err
		}
	}
	if opts.APIKey == "" {
		return nil, errors.New("no API key: set DOKPLOY_API_KEY (or DOKPLOY_AUTH_TOKEN), or give a file with --api-key-file (DOKPLOY_API_KEY_FILE); create one in Dokploy under Settings > Profile > API keys")
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
	if opts.LostAnswerHold <= 0 {
		opts.LostAnswerHold = opts.Timeout
	}
	if opts.URLBudget <= 0 {
		opts.URLBudget = DefaultURLBudget
	}
	if opts.BodyBudget <= 0 {
		opts.BodyBudget = DefaultBodyBudget
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = 8
	}
	if opts.MaxReadBatches <= 0 {
		opts.MaxReadBatches = DefaultMaxReadBatches
	}
	if opts.MaxMutations <= 0 {
		opts.MaxMutations = DefaultMaxMutations
	}
	if opts.MaxPoolCalls <= 0 {
		opts.MaxPoolCalls = DefaultMaxPoolCalls
	}
	opts.MaxPoolCalls = min(opts.MaxPoolCalls, opts.MaxMutations)
	if opts.MaxHostCalls <= 0 {
		opts.MaxHostCalls = DefaultMaxHostCalls
	}
	opts.MaxHostCalls = min(opts.MaxHostCalls, opts.MaxMutations)
	if opts.UserAgent == "" {
		opts.UserAgent = "dokploy-sync"
	}
	hc := opts.HTTPClient
	if hc == nil {
		// Keep a connection per request in flight: net/http keeps only 2
		// idle per host and would dial (and TLS-handshake) the others again.
		// No client-wide timeout: send gives each request its own.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = opts.Parallelism + opts.MaxReadBatches
		hc = &http.Client{Transport: t}
	}
	c := &Client{
		opts:      opts,
		base:      u,
		http:      hc,
		retry:     opts.Retry.withDefaults(),
		sleep:     opts.Sleep,
		budget:    newBudget(opts.MaxRequests),
		slots:     make(chan struct{}, opts.Parallelism),
		readSlots: make(chan struct{}, opts.MaxReadBatches),
		poolSem:   newSemaphore(opts.MaxPoolCalls),
		hostSem:   newSemaphore(opts.MaxHostCalls),
		mutSem:    newSemaphore(opts.MaxMutations),
		accessSem: newSemaphore(1),
	}
	if c.sleep == nil {
		c.sleep = Sleep
	}
	if opts.HTTPClient == nil {
		hc.CheckRedirect = c.checkRedirect
	}
	c.urlLimit.Store(int64(opts.URLBudget))
	c.bodyLimit.Store(int64(opts.BodyBudget))
	c.rest.Store(opts.API == APIREST)
	return c, nil
}

// Requests returns how many HTTP requests the client has sent.
func (c *Client) Requests() int64 { return c.requests.Load() }

// RoundTrips returns how many latency periods the requests of the client
// took: for each Do, those of its longest stream (see schedule.go). A wave
// of n requests takes ceil(n/b) periods when b of them may be in flight at
// once (MaxReadBatches for tRPC reads, else Parallelism), one when they
// all go together. The retries of a request and the halves of a batch
// refused as too long belong to their wave.
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
// The calls travel in waves (see schedule.go): the reads in one, the
// pool-holding calls in waves of at most Options.MaxPoolCalls, for a key
// of a role other than owner and admin (SetRole) the creates AppendsAccess
// names one at a time, and the other mutations in waves that keep the
// client under Options.MaxMutations, the streams side by side. Do respects ctx: when it ends, requests in
// flight are abandoned and no new one is sent.
func (c *Client) Do(ctx context.Context, calls ...*Call) error {
	var todo []*Call
	for _, call := range calls {
		call.in, call.Err = json.Marshal(call.Input)
		if call.Err != nil {
			call.Err = fmt.Errorf("%s: encoding input: %w", call.Proc, call.Err)
			continue
		}
		if HasRedacted(string(call.in)) {
			// Writing the server's placeholder back would replace the
			// secret it stands for.
			call.Err = fmt.Errorf("%s: not sent: its input holds the placeholder the server answers in place of a secret it hides, and writing it back would replace the secret", call.Proc)
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
	refused := c.schedule(ctx, todo)
	if len(refused) > 0 && c.opts.API != APITRPC {
		c.logf("tRPC refused (%v); using REST from now on", refused[0].Err)
		c.rest.Store(true)
		c.schedule(ctx, refused)
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
	line   int    // length of the request line (requestLine)
	body   []byte // nil for GET
	path   string // for logs: never the query, which can be long, nor a batch's names
	prefix string // the path before a call's procedure: /api/ or /api/trpc/
	trpc   bool
	calls  []*Call
}

// callPath is the path of one of rq's calls, for its errors.
func (rq *request) callPath(call *Call) string { return rq.prefix + call.Proc }

// answer is what send got back.
type answer struct {
	status     int
	body       []byte
	retryAfter time.Duration
	buf        *bytes.Buffer // holds body, for release
}

// release gives the answer's buffer back once its body is decoded: the
// decoders keep no part of it (encoding/json copies what it keeps).
func (a answer) release() {
	if a.buf != nil && a.buf.Cap() <= maxPooledBody {
		bodyBuffers.Put(a.buf)
	}
}

// bodyBuffers are the buffers answers are read into, so that reading one
// does not grow a buffer from empty every time.
var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledBody = 16 << 20

// tooLong is exchange's report of a request refused as too long: its
// request line with 431 (Request Header Fields Too Large: Node, whose
// limit counts the request line with the headers) or 414 (URI Too Long:
// nginx and most proxies), or its body with 413 (Content Too Large: a
// proxy's client_max_body_size). Either way nothing of it ran, and the
// caller splits the batch.
type tooLong struct{ status int }

func (e *tooLong) Error() string {
	if e.body() {
		return fmt.Sprintf("request body too large (HTTP %d)", e.status)
	}
	return fmt.Sprintf("request line too long (HTTP %d)", e.status)
}

// body reports whether the body was refused, not the request line.
func (e *tooLong) body() bool { return e.status == http.StatusRequestEntityTooLarge }

// exchange sends rq, retrying a read, and sets the Err of its calls from the
// answer (decode) or the failure. It returns a *tooLong, with the calls'
// Err unset, when the server refused the request line as too long. The
// caller has reserved one unit of the request budget for rq.
func (c *Client) exchange(ctx context.Context, rq *request, decode func(int, []byte, []*Call) error) error {
	read := rq.method == http.MethodGet
	for attempt := 1; ; attempt++ {
		ans, sent, err := c.send(ctx, rq)
		if err == nil && (ans.status == http.StatusRequestHeaderFieldsTooLarge || ans.status == http.StatusRequestURITooLong || ans.status == http.StatusRequestEntityTooLarge) {
			ans.release()
			return &tooLong{status: ans.status}
		}
		var bad error // the answer is not the API's
		if err == nil {
			bad = decode(ans.status, ans.body, rq.calls)
			ans.release()
			ans.body, ans.buf = nil, nil
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
		if read && rq.trpc && err == nil && bad == nil && ctx.Err() == nil && attempt < c.retry.Attempts {
			// Some items of a batch failed as a whole read would have:
			// send those again, alone.
			if failed := retryableItems(rq.calls); len(failed) > 0 {
				why := fmt.Errorf("%d of %d calls answered HTTP %d", len(failed), len(rq.calls), statusOf(failed[0].Err))
				again, werr := c.wait(ctx, rq, attempt, answer{}, why)
				if again {
					rq = c.trpcRequest(failed)
					continue
				}
				if werr != nil {
					for _, call := range failed {
						call.Err = werr
					}
				}
			}
		}
		switch {
		case err != nil:
			for _, call := range rq.calls {
				call.Err = failure(rq, call, read, sent, err)
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

// retryableItems are the calls that an answer failed with a status a whole
// read is retried for (429, 500, 502, 503, 504).
func retryableItems(calls []*Call) []*Call {
	var out []*Call
	for _, call := range calls {
		if st := statusOf(call.Err); st != 0 && retryable(st, nil) {
			out = append(out, call)
		}
	}
	return out
}

// failure is the error of a call whose request got no answer: a mutation
// that may have reached the server is uncertain; a call cut short by the
// end of the caller's context gets the context's error. It names the call's
// procedure and address once, never the other calls of its batch.
func failure(rq *request, call *Call, read, sent bool, err error) error {
	switch {
	case err == context.Canceled || err == context.DeadlineExceeded:
		if !read && sent {
			return &UncertainError{Proc: call.Proc, Err: err}
		}
		return err
	case !read && sent:
		return &UncertainError{Proc: call.Proc, Err: fmt.Errorf("%s %s: %w", rq.method, rq.callPath(call), err)}
	}
	return fmt.Errorf("%s: %s %s: %w", call.Proc, rq.method, rq.callPath(call), err)
}

// timeoutError is the failure of a request not answered within its timeout.
type timeoutError struct{ after time.Duration }

func (e *timeoutError) Error() string {
	return fmt.Sprintf("no answer within %s (the request timeout)", e.after)
}
func (e *timeoutError) Timeout() bool   { return true }
func (e *timeoutError) Temporary() bool { return true }

// timeout is the timeout of a request: the longest of its calls'.
func (c *Client) timeout(rq *request) time.Duration {
	d := time.Duration(0)
	for _, call := range rq.calls {
		if call.Timeout > 0 {
			d = max(d, call.Timeout)
		} else {
			d = max(d, c.opts.Timeout)
		}
	}
	return d
}

// send performs one HTTP request. sent is false when nothing reached the
// server (the context ended first, the connection could not be made, the
// name not resolved or the certificate not verified); the request's budget
// unit is then given back unless a connection was attempted. Its errors
// name neither the method nor the path: failure adds them per call.
func (c *Client) send(ctx context.Context, rq *request) (ans answer, sent bool, err error) {
	slots := c.slotsOf(rq)
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		c.budget.release(1)
		return ans, false, ctx.Err()
	}
	defer func() { <-slots }()
	if err := ctx.Err(); err != nil {
		c.budget.release(1)
		return ans, false, err
	}
	var body io.Reader
	if rq.body != nil {
		body = bytes.NewReader(rq.body)
	}
	timeout := c.timeout(rq)
	base := ctx
	if c.opts.Abort != nil && ctx.Value(noAbortKey{}) == nil {
		// Once sent, a request outlives ctx (it finishes after the first
		// Ctrl-C) until Abort ends.
		var stop context.CancelFunc
		base, stop = context.WithCancel(context.WithoutCancel(ctx))
		defer stop()
		defer context.AfterFunc(c.opts.Abort, stop)()
	}
	rctx, cancel := context.WithTimeout(base, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, rq.method, rq.url, body)
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
		if ctx.Err() != nil {
			c.logf("%s %s (%d calls): %v", rq.method, rq.path, len(rq.calls), ctx.Err())
			return ans, true, ctx.Err()
		}
		err, sent = c.netError(err, rctx, timeout)
		c.logf("%s %s (%d calls): %v", rq.method, rq.path, len(rq.calls), err)
		return ans, sent, err
	}
	defer resp.Body.Close()
	buf := bodyBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	_, err = buf.ReadFrom(io.LimitReader(resp.Body, 256<<20))
	c.logf("%s %s (%d calls) -> %d in %s", rq.method, rq.path, len(rq.calls), resp.StatusCode, time.Since(start).Round(time.Millisecond))
	if err != nil {
		if ctx.Err() != nil {
			return ans, true, ctx.Err()
		}
		err, _ = c.netError(err, rctx, timeout)
		return ans, true, fmt.Errorf("reading the answer: %w", err)
	}
	return answer{status: resp.StatusCode, body: buf.Bytes(), buf: buf, retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"))}, true, nil
}

// slotsOf is the bound rq's requests in flight share: a tRPC read batch
// MaxReadBatches, the others Parallelism.
func (c *Client) slotsOf(rq *request) chan struct{} {
	return c.slotsFor(rq.trpc, rq.calls[0].Proc) // a request has at least one call
}

// slotsFor are the slots of a request whose first call is proc: tRPC read
// batches (a query is a GET there) have their own, the rest share slots.
func (c *Client) slotsFor(trpc bool, proc string) chan struct{} {
	if trpc && IsQuery(proc) {
		return c.readSlots
	}
	return c.slots
}

// netError explains the failure of a request without an answer (the
// caller's context alive) and reports whether the request may have reached
// the server.
func (c *Client) netError(err error, rctx context.Context, timeout time.Duration) (error, bool) {
	if errors.Is(rctx.Err(), context.DeadlineExceeded) {
		return &timeoutError{after: timeout}, true
	}
	if rctx.Err() != nil {
		return errAborted, true
	}
	var re *RedirectError
	if errors.As(err, &re) {
		return re, false // answered with a redirect: not run
	}
	err = ExplainNetError(c.base, err)
	var he *HostError
	if errors.As(err, &he) {
		return err, false
	}
	var op *net.OpError
	return err, !(errors.As(err, &op) && op.Op == "dial")
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

type noAbortKey struct{}

// withoutAbort marks ctx's requests as not cut by Options.Abort, and not
// counted against MaxRequests: the release of the apply's leases, which
// must happen even after a second Ctrl-C or with the budget spent (it is
// bounded by its own timeout).
func withoutAbort(ctx context.Context) context.Context {
	return context.WithValue(ctx, noAbortKey{}, true)
}

// errAborted is the error of a request cut off by Options.Abort (the
// second Ctrl-C).
var errAborted = errors.New("aborted by the second interrupt")
