// Package dokploytest is an in-memory fake of a Dokploy v0.30.2 server for
// tests. It answers both HTTP faces of Dokploy's API like the real server
// (see ../shared/dokploy/API.md and the captures beside it):
//
//   - REST: /api/<router>.<procedure>, queries as GET with flat query
//     parameters, mutations as POST with a raw JSON body;
//   - tRPC: /api/trpc/<procedure> and batches /api/trpc/a,b?batch=1, inputs
//     wrapped as {"json": ...}.
//
// Both faces run the same procedures on one in-memory state, with the same
// input rules (required-but-nullable keys, minimum lengths, enums, the
// database password pattern, unknown keys stripped), the same answers (key
// order included) and the same error bodies. Differences from the real
// server are deliberate and documented: deploys are simulated (Options
// DeployDuration and DeployError), backups, volume backups and schedules
// are stored but never run, the registry login and the destination test
// succeed (Options DockerLoginError and RcloneError make them fail), there
// are no Docker services, remote servers are rows the fake never connects
// to (their services behave like local ones), git providers are seeded by
// tests (Server.AddGitProvider), a git-sourced compose deploys its stored
// composeFile, and every key acts as the member of Server.SetRole (an owner
// by default), whose role's permissions are not checked (access.go).
//
// The procedures (Server.Procedures lists them):
//   - settings.getDokployVersion, user.get;
//   - project.all, one, create, update, remove;
//   - environment.create, one, byProjectId, update, remove;
//   - application.create, one, update, delete, saveEnvironment,
//     saveBuildType, saveDockerProvider, saveGitProvider,
//     saveGithubProvider, saveGitlabProvider, saveBitbucketProvider,
//     saveGiteaProvider, disconnectGitProvider, deploy, redeploy, reload,
//     start, stop;
//   - compose.create, one, update, saveEnvironment, delete, deploy,
//     redeploy, start, stop, loadServices;
//   - postgres, mysql, mariadb, mongo, redis, libsql: create, one, update,
//     remove, saveEnvironment, deploy, reload, start, stop,
//     saveExternalPort (libsql: saveExternalPorts), changePassword (not
//     libsql);
//   - domain.create, update, delete, one, byApplicationId, byComposeId;
//   - port.create, one, update, delete;
//   - mounts.create, one, update, remove, listByServiceId;
//   - redirects.create, one, update, delete;
//   - security.create, one, update, delete;
//   - deployment.all, allByCompose, allByType, readLogs;
//   - destination.create, one, all, update, remove, testConnection;
//   - backup.create, one, update, remove (database and compose backups);
//   - volumeBackups.create, one, list, update, delete;
//   - schedule.create, one, list, update, delete;
//   - registry.create, one, all, update, remove;
//   - sshKey.create, all, allForApps, one, update, remove;
//   - server.create, all, one, update, remove, count, withSSHKey,
//     buildServers;
//   - certificates.create, one, all, update, remove;
//   - notification.create<Type> and update<Type> for the twelve types
//     (Slack, Telegram, Discord, Email, Resend, Gotify, Ntfy, Mattermost,
//     Custom, Lark, Pushover, Teams), all, one, remove;
//   - gitProvider.getAll, github.githubProviders, gitlab.gitlabProviders,
//     bitbucket.bitbucketProviders, gitea.giteaProviders, and github,
//     gitlab, bitbucket, gitea .one;
//   - project.search, environment.search, application.search,
//     compose.search and postgres, mysql, mariadb, mongo, redis .search
//     ({items, total}; search.go);
//   - tag.create, all, one, update, remove, assignToProject,
//     removeFromProject (not when Options.Version is
//     older than v0.29.0, which has no tag router: they answer 404 like
//     any unknown procedure).
//
// Choices where the real server is not deterministic or not known:
//   - only the REST face coerces inputs (Number(), Boolean(): "3" is 3, null
//     is 0 or false); the tRPC face takes inputs as typed (QUIRKS X7);
//   - items of a tRPC batch run one after the other, in order (the real
//     server runs them concurrently: captures 202/203), except that the
//     creates of a batch all read the member's access lists as they were
//     before the batch, so that only the last new id of each list is kept
//     (access.go);
//   - the Postgres pool (pool.go, QUIRKS P1) is modelled, not timed: the
//     pool-holding calls of a request (domain.create, redirects.create,
//     security.create, security.update, mounts.update,
//     <db>.changePassword, registry.create) each take a connection when
//     the request arrives, before the latency, and give it back when it
//     is answered, as tRPC's concurrent batch items do. When
//     Options.PoolSize (10) of them are in flight the server is wedged:
//     from then on every request but /api/health hangs without an answer
//     (Request.Fault "pool deadlock") until the client gives up, the
//     server closes or Unwedge is called (the hung requests then get
//     500). Below the pool size the connections are assumed to suffice;
//   - a serverId that names no server is refused with 401 "You are not
//     authorized to access this server", as for a server the key cannot
//     access; an empty one is no server (a schedule's or a registry
//     login's serverId that names no server: 404 or 400 "Server not
//     found", or the failed insert of a dangling id);
//   - an update that leaves nothing to write answers 500 "No values to set";
//   - swarm settings (healthCheckSwarm, ...) are checked key by key like
//     Dokploy's strict zod objects (several unknown keys are listed sorted,
//     and stored objects come back with their keys sorted); compose
//     serviceNetworks are checked to be an array of objects only;
//   - rows read without ORDER BY come in table order, an updated child row
//     (domain, port, mount, redirect, security) moving to the end, as in
//     PostgreSQL's heap (capture 057);
//   - domain.one of a compose domain answers application: null;
//   - a compose deploy writes its file (what compose.loadServices
//     type=cache reads) when it starts, whatever its outcome.
//
// Faults (Options.Faults, Server.SetFaults) inject the failures of a real
// network and server: latency, 5xx and 429 answers, dropped connections,
// requests held until the client gives up, a 401 after K requests, some
// calls of a batch failing (and not applied), a mutation applied whose
// answer is lost. Random faults draw from a generator seeded with
// Options.Seed, and the request log records every fault injected.
package dokploytest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Options configure a fake server. The zero value is usable.
type Options struct {
	// APIKey is the required x-api-key value; "" accepts any non-empty key.
	APIKey string
	// Version is what settings.getDokployVersion answers; default "v0.30.2".
	// From "v0.30.3" the REST face drops a JSON body whose Content-Type
	// has a parameter (application/json; charset=utf-8), like Dokploy.
	Version string
	// Seed seeds the random generator of ids, appName suffixes and generated
	// passwords (0 means 1), so that a test run is deterministic.
	Seed int64
	// Now is the clock of createdAt and deployment times; default time.Now.
	Now func() time.Time
	// MaxURLLength is the longest request line (path and query) accepted;
	// longer ones get 431 with an empty body, like Node. Default 16384.
	MaxURLLength int
	// Latency is added to every HTTP request (see also SetLatency).
	Latency time.Duration
	// Faults are injected into the requests from the start (see
	// SetFaults).
	Faults []Fault
	// DeployDuration is how long an application or compose deployment
	// stays "running" before it finishes; 0 finishes it before the deploy
	// call answers.
	DeployDuration time.Duration
	// DeployError, when not empty, makes every deploy fail with this
	// message, as on a server whose Docker daemon is unreachable (the
	// captures were recorded on such a server): application and compose
	// deployments end in "error" with the message in their log, database
	// deploy and saveExternalPort answer 500 "Error on deploy
	// <kind>Error: <message>", reload answers 500 with the message, and
	// start (and compose stop) 500 with the failed docker command, as
	// execAsync reports it ("Command execution failed: Command failed:
	// docker service scale <appName>=1 ..."). Application and database
	// stop still succeed: Dokploy ignores a failed scale to zero.
	DeployError string
	// RcloneError, when not empty, makes destination.testConnection fail
	// with this as rclone's output: 400 "Command execution failed:
	// Command failed: rclone ls ...\n<output>" (capture 411, a server
	// without rclone: "/bin/sh: 1: rclone: not found\n"). Empty, the
	// connection test succeeds.
	RcloneError string
	// DockerLoginError, when not empty, makes the docker login of
	// registry.create and registry.update fail with this as docker's
	// output: 400 "Command execution failed: Command failed: printf %s
	// '***' | docker login ...\n<output>", the password masked (capture
	// 464). create then stores nothing, update keeps its change. Empty,
	// the login succeeds.
	DockerLoginError string
	// Redact makes every .one answer carry RedactedSecret in place of env
	// texts, build args and secrets and passwords, as Dokploy does with an
	// open change (pull request #4581) that a later version may ship.
	Redact bool
	// PoolSize is the size of the modelled Postgres pool; default
	// DefaultPoolSize (10). See pool.go: when this many pool-holding calls
	// are in flight, the server is wedged.
	PoolSize int
	// OnRequest, when set, is called after each request has been answered
	// and logged (from the request's goroutine), e.g. to print it or to
	// save the state.
	OnRequest func(Request)
}

// Request is one HTTP request the fake received.
type Request struct {
	Method   string
	Path     string
	RawQuery string
	Body     []byte
	Status   int      // status of the answer (of an answer lost, the one not sent); 0 for none
	Procs    []string // procedures carried: one for REST, one or more for tRPC
	TRPC     bool     // sent to the tRPC face
	Fault    string   // the fault injected, e.g. "status 503", "reset", "failed items [1 3]"; "" for none
	Duration time.Duration
}

// Server is the fake Dokploy server, an http.Handler.
type Server struct {
	opts   Options
	procs  map[string]*procedure // by name
	routes map[string]*procedure // by lower-case name: REST paths match case-insensitively

	mu      sync.Mutex // guards the state, the generator and the timers
	st      *state
	idx     map[string]*index // by table name, see index.go
	reading bool              // a query procedure runs: no row is written
	writing bool              // a mutation runs (beginWrite, endWrite)
	// accessBase is the member's access lists as the calls of the tRPC
	// batch being run read them (access.go); nil outside a batch.
	accessBase row
	pcg        *rand.PCG
	rng        *rand.Rand
	timers     map[*time.Timer]struct{}
	timerGen   int // bumped when timers are stopped; stale callbacks check it

	logMu       sync.Mutex // guards the request log and the counters
	reqs        []Request
	mutations   int
	mutationsOf map[string]int // by procedure

	latency  atomic.Int64 // time.Duration
	redact   atomic.Bool  // Options.Redact, SetRedact
	faultMu  sync.Mutex   // guards the faults and their generator
	faults   []*faultState
	faultRng *rand.Rand
	quit     chan struct{} // closed by Close: held requests end
	quitOnce sync.Once

	poolMu   sync.Mutex // guards the pool model
	poolBusy int        // pool-holding calls in flight
	poolPeak int
	wedged   bool
	unwedge  chan struct{} // closed by Unwedge

	srvMu sync.Mutex
	url   string
	close func()
}

// New returns a fake server with an empty state: no projects, one owner
// member with one API key.
func New(opts Options) *Server {
	if opts.Version == "" {
		opts.Version = "v0.30.2"
	}
	if opts.Seed == 0 {
		opts.Seed = 1
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxURLLength <= 0 {
		opts.MaxURLLength = 16384
	}
	if opts.PoolSize <= 0 {
		opts.PoolSize = DefaultPoolSize
	}
	s := &Server{
		opts:    opts,
		procs:   map[string]*procedure{},
		routes:  map[string]*procedure{},
		st:      newState(),
		pcg:     rand.NewPCG(uint64(opts.Seed), 0x5eed),
		timers:  map[*time.Timer]struct{}{},
		quit:    make(chan struct{}),
		unwedge: make(chan struct{}),
	}
	s.rng = rand.New(s.pcg)
	s.faultRng = newFaultRand(opts.Seed)
	s.latency.Store(int64(opts.Latency))
	s.redact.Store(opts.Redact)
	s.SetFaults(opts.Faults...)
	for _, p := range allProcedures(opts.Version) {
		s.procs[p.name] = p
		s.routes[strings.ToLower(p.name)] = p
	}
	s.initMember()
	return s
}

// NewTestServer starts a fake server on a loopback port for the duration of
// the test; its address is s.URL().
func NewTestServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s := New(opts)
	hs := httptest.NewServer(s)
	s.setServing(hs.URL, hs.Close)
	t.Cleanup(func() { s.Close() })
	return s
}

// Start serves the fake on addr ("" means a free loopback port) in the
// background; URL then returns its address. Stop it with Close.
func (s *Server) Start(addr string) error {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: time.Minute}
	go hs.Serve(ln) //nolint:errcheck // ends with Close
	s.setServing("http://"+ln.Addr().String(), func() { hs.Close() })
	return nil
}

func (s *Server) setServing(url string, closeFn func()) {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	s.url, s.close = url, closeFn
}

// Close stops the HTTP server started by NewTestServer or Start, if any, and
// the timers of running deployments.
func (s *Server) Close() error {
	s.quitOnce.Do(func() { close(s.quit) })
	s.srvMu.Lock()
	closeFn := s.close
	s.close = nil
	s.srvMu.Unlock()
	if closeFn != nil {
		closeFn()
	}
	s.mu.Lock()
	s.stopTimersLocked()
	s.mu.Unlock()
	return nil
}

// URL is the base URL of the server started by NewTestServer or Start
// (e.g. "http://127.0.0.1:41234"), or "".
func (s *Server) URL() string {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	return s.url
}

// Requests returns a copy of every HTTP request received so far, in order.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, len(s.reqs))
	copy(out, s.reqs)
	return out
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.reqs = nil
}

// MutationCount is the number of mutation procedure calls received over
// HTTP (either face) that passed authentication and were run, including
// those that then failed validation or returned an error. Calls made with
// Call are not counted.
func (s *Server) MutationCount() int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	return s.mutations
}

// MutationCounts is MutationCount by procedure.
func (s *Server) MutationCounts() map[string]int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make(map[string]int, len(s.mutationsOf))
	for k, v := range s.mutationsOf {
		out[k] = v
	}
	return out
}

func (s *Server) countMutation(proc string) {
	s.logMu.Lock()
	s.mutations++
	if s.mutationsOf == nil {
		s.mutationsOf = map[string]int{}
	}
	s.mutationsOf[proc]++
	s.logMu.Unlock()
}

// Call runs a procedure in-process, without HTTP: no authentication, no
// recording, not counted, and no REST coercion (inputs are taken as typed,
// like the tRPC face). input is JSON-encoded first; nil means no input. The
// result is the procedure's JSON value, or nil for a procedure returning
// undefined. A failed call returns a *CallError.
func (s *Server) Call(proc string, input any) (json.RawMessage, error) {
	p := s.procs[proc]
	if p == nil {
		return nil, &CallError{Status: 404, Code: "NOT_FOUND", Message: `No procedure found on path "` + proc + `"`}
	}
	var in any
	present := input != nil
	if present {
		b, err := json.Marshal(input)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &in); err != nil {
			return nil, err
		}
	}
	res, aerr := s.run(p, in, present, false)
	if aerr != nil {
		return nil, aerr.callError()
	}
	if res.undefined {
		return nil, nil
	}
	return res.json, nil
}

// statusWriter remembers the status of an answer.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// maxBody bounds what is read of a request body (the tRPC face allows 1 GB;
// a test never needs that much).
const maxBody = 64 << 20

// ServeHTTP answers one request on the REST or the tRPC face.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
	db := r.URL.Path != "/api/health" // every other request needs the database
	held := 0
	if db {
		held = s.poolEnter(r)
		defer s.poolLeave(held)
	}
	if d := time.Duration(s.latency.Load()); d > 0 {
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	sw := &statusWriter{ResponseWriter: w}
	rec := Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Body: body}
	logged := false
	logRequest := func() {
		if logged {
			return
		}
		logged = true
		rec.Status, rec.Duration = sw.status, time.Since(start)
		s.logMu.Lock()
		s.reqs = append(s.reqs, rec)
		s.logMu.Unlock()
		if s.opts.OnRequest != nil {
			s.opts.OnRequest(rec)
		}
	}
	// Logged before a dropped connection is closed, so that a client that
	// sees the error and reads the log finds the request there.
	defer logRequest()

	if db {
		if hung, unwedged := s.poolWait(r); hung {
			rec.Procs, rec.Fault = requestProcs(r), poolFault
			if unwedged {
				writeText(sw, http.StatusInternalServerError, "terminating connection due to administrator command")
			}
			return
		}
	}

	inj := s.pickFault(r.Method, requestProcs(r))
	if inj != nil {
		rec.Fault = inj.kind.String()
		switch inj.kind {
		case FaultStatus:
			rec.Fault += " " + strconv.Itoa(inj.status)
			writeText(sw, inj.status, http.StatusText(inj.status))
			return
		case FaultReset:
			logRequest()
			dropConnection(w)
			return
		case FaultTimeout:
			select {
			case <-r.Context().Done():
			case <-s.quit:
			}
			return
		case FaultLoseAnswer:
			sw.ResponseWriter = &discardWriter{header: http.Header{}}
			defer func() { logRequest(); dropConnection(w) }()
		}
	}

	if len(r.RequestURI) > s.opts.MaxURLLength || len(r.URL.RequestURI()) > s.opts.MaxURLLength {
		sw.WriteHeader(http.StatusRequestHeaderFieldsTooLarge) // Node's header limit: no body
		return
	}
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/api/trpc/"):
		rec.TRPC = true
		s.serveTRPC(sw, r, body, &rec, inj)
	case path == "/api/health":
		writeJSON(sw, http.StatusOK, []byte(`{"ok":true}`))
	case strings.HasPrefix(path, "/api/"):
		s.serveREST(sw, r, body, &rec, inj)
	default:
		http.NotFound(sw, r)
	}
}

// authorized reports whether the request carries an accepted x-api-key.
func (s *Server) authorized(r *http.Request) bool {
	key := r.Header.Get("x-api-key")
	return key != "" && (s.opts.APIKey == "" || key == s.opts.APIKey)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body) //nolint:errcheck // the client went away
}

// mustMarshal marshals values built by the fake, which always encode.
func mustMarshal(v any) []byte {
	b, err := marshal(v)
	if err != nil {
		panic("dokploytest: " + err.Error())
	}
	return b
}

// decodeJSON decodes one JSON value; numbers become float64.
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("trailing data")
	}
	return v, nil
}

// --- clock and randomness; callers hold s.mu ---

const timeLayout = "2006-01-02T15:04:05.000Z"

func (s *Server) now() time.Time { return s.opts.Now().UTC() }

func (s *Server) timestamp() string { return s.now().Format(timeLayout) }

const (
	nanoidAlphabet = "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict"
	lowerAlnum     = "abcdefghijklmnopqrstuvwxyz0123456789"
	alnum          = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

func (s *Server) randString(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[s.rng.IntN(len(alphabet))]
	}
	return string(b)
}

// newID is a nanoid(): 21 characters of [A-Za-z0-9_-].
func (s *Server) newID() string { return s.randString(21, nanoidAlphabet) }

// generatePassword is Dokploy's generatePassword(): lower-case alphanumerics.
func (s *Server) generatePassword(n int) string { return s.randString(n, lowerAlnum) }

// --- deployment timers; callers hold s.mu ---

func (s *Server) stopTimersLocked() {
	for t := range s.timers {
		t.Stop()
	}
	s.timers = map[*time.Timer]struct{}{}
	s.timerGen++
}

// EnsureServer makes a remote server named name, unless one exists: the
// servers a spec names are made in Dokploy's UI, never by the spec.
func (s *Server) EnsureServer(name string) error {
	raw, err := s.Call("server.all", nil)
	if err != nil {
		return err
	}
	var all []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(raw, &all); err != nil {
		return err
	}
	for _, x := range all {
		if x.Name == name {
			return nil
		}
	}
	_, err = s.Call("server.create", map[string]any{"name": name, "description": nil, "ipAddress": "203.0.113.10", "port": 22,
		"username": "root", "sshKeyId": nil, "serverType": "deploy"})
	return err
}
