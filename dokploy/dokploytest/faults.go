package dokploytest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"
)

// FaultKind is what an injected fault does to a request.
type FaultKind int

const (
	// FaultStatus answers Status (default 503; e.g. 500, 502, 429) with a
	// plain-text body, as a proxy in front of Dokploy would, without
	// running anything.
	FaultStatus FaultKind = iota + 1
	// FaultReset closes the connection without an answer, without running
	// anything.
	FaultReset
	// FaultTimeout holds the request, without running it, until the client
	// gives up (or the server closes).
	FaultTimeout
	// FaultUnauthorized answers like Dokploy for a key that has become
	// invalid or rate-limited: 401 on every call (combine with After).
	FaultUnauthorized
	// FaultFailItems makes some calls of the request (a tRPC batch, or the
	// one call of a REST request) answer an error of status Status
	// (default 500) without being run; the others run. See Fault.Items.
	FaultFailItems
	// FaultLoseAnswer runs the request, then closes the connection instead
	// of answering: the state has changed but the client cannot know.
	FaultLoseAnswer
)

func (k FaultKind) String() string {
	switch k {
	case FaultStatus:
		return "status"
	case FaultReset:
		return "reset"
	case FaultTimeout:
		return "timeout"
	case FaultUnauthorized:
		return "unauthorized"
	case FaultFailItems:
		return "failed items"
	case FaultLoseAnswer:
		return "answer lost"
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// Fault is a failure injected into the requests it matches. The faults of a
// server are tried in order for each request; the first that fires is
// injected, and it alone counts the request.
type Fault struct {
	Kind FaultKind
	// Status is the status of FaultStatus (default 503) and of the failed
	// calls of FaultFailItems (default 500; the status of a tRPC error
	// code, e.g. 400, 404, 409 or 429, else 500).
	Status int
	// Method ("GET" or "POST"; "" for both) and Procs (requests carrying
	// at least one of these procedures; none for every request) select
	// the requests.
	Method string
	Procs  []string
	// Items are the positions, in a request's calls, that FaultFailItems
	// fails. Without Items it fails the calls of Procs, or every call.
	Items []int
	// After lets this many matching requests through before the fault
	// starts (e.g. a 401 after K successful requests).
	After int
	// Times is how many requests get the fault, then it stops; 0 means no
	// limit.
	Times int
	// Rate, when positive, is the probability that a matching request gets
	// the fault, drawn from a generator seeded with Options.Seed.
	Rate float64
}

// faultState is a Fault and its counters.
type faultState struct {
	Fault
	seen, injected int
}

// SetFaults replaces the faults injected into the next requests; with none,
// it stops injecting. It is safe to call while the server serves requests.
func (s *Server) SetFaults(faults ...Fault) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = nil
	for _, f := range faults {
		s.faults = append(s.faults, &faultState{Fault: f})
	}
}

// SetLatency changes the delay added to every request (Options.Latency). It
// is safe to call while the server serves requests.
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }

func newFaultRand(seed int64) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 0xfa17)) }

// injection is what the faults do to one request.
type injection struct {
	kind   FaultKind
	status int
	fail   func(i int, proc string) bool // FaultFailItems: the calls that fail
}

// pickFault returns the fault to inject into a request, if any.
func (s *Server) pickFault(method string, procs []string) *injection {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	for _, f := range s.faults {
		if f.Method != "" && !strings.EqualFold(f.Method, method) {
			continue
		}
		if len(f.Procs) > 0 && !slices.ContainsFunc(procs, func(p string) bool { return slices.Contains(f.Procs, p) }) {
			continue
		}
		f.seen++
		if f.seen <= f.After || (f.Times > 0 && f.injected >= f.Times) {
			continue
		}
		if f.Rate > 0 && s.faultRng.Float64() >= f.Rate {
			continue
		}
		f.injected++
		in := &injection{kind: f.Kind, status: f.Status}
		switch {
		case f.Kind != FaultFailItems:
		case len(f.Items) > 0:
			items := slices.Clone(f.Items)
			in.fail = func(i int, _ string) bool { return slices.Contains(items, i) }
		case len(f.Procs) > 0:
			names := slices.Clone(f.Procs)
			in.fail = func(_ int, p string) bool { return slices.Contains(names, p) }
		default:
			in.fail = func(int, string) bool { return true }
		}
		if in.status == 0 {
			in.status = http.StatusServiceUnavailable
			if f.Kind == FaultFailItems {
				in.status = http.StatusInternalServerError
			}
		}
		return in
	}
	return nil
}

// failedItem is the error of a call failed by FaultFailItems.
func (in *injection) failedItem() *apiError {
	code := ""
	for c, v := range errorCodes { // the first name in order: BAD_REQUEST, not PARSE_ERROR
		if v.status == in.status && (code == "" || c < code) {
			code = c
		}
	}
	if code == "" {
		code = "INTERNAL_SERVER_ERROR"
	}
	return &apiError{code: code, message: "injected failure"}
}

// dropConnection closes the client's connection without an answer (a TCP
// reset where possible).
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // the server drops the connection
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0) //nolint:errcheck // best effort: a RST rather than a FIN
	}
	conn.Close()
}

// requestProcs names the procedures a request carries, for matching faults
// before it is parsed.
func requestProcs(r *http.Request) []string {
	path := r.URL.Path
	if name, ok := strings.CutPrefix(path, "/api/trpc/"); ok {
		if r.URL.Query().Get("batch") == "1" {
			return strings.Split(name, ",")
		}
		return []string{name}
	}
	if name, ok := strings.CutPrefix(path, "/api/"); ok {
		return []string{name}
	}
	return nil
}

// discardWriter is the ResponseWriter of an answer that is lost.
type discardWriter struct {
	header http.Header
}

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
