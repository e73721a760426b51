package dokploy_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// nginxLine is nginx's default large_client_header_buffers size: a request
// line, and each header line, must fit one 8 KB buffer.
const nginxLine = 8 << 10

// nginxBody is nginx's default client_max_body_size: 1 MB (1m).
const nginxBody = 1 << 20

// nginxProxy is a reverse proxy in front of target with nginx's default
// limits: a request line (method, target, protocol, CRLF) longer than
// nginxLine gets 414 (URI Too Long), a header line longer than it 400
// (Request Header Or Cookie Too Large), a body longer than nginxBody 413
// (Request Entity Too Large). It records the length of every request line
// and body, and the status of every refusal.
type nginxProxy struct {
	*httptest.Server
	mu      sync.Mutex
	lines   []int
	bodies  []int64
	refused []int
}

func newNginxProxy(t *testing.T, target string) *nginxProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &nginxProxy{}
	rp := httputil.NewSingleHostReverseProxy(u)
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		line := len(r.Method) + 1 + len(r.RequestURI) + 1 + len(r.Proto) + len("\r\n")
		status := 0
		switch {
		case line > nginxLine:
			status = http.StatusRequestURITooLong
		case r.ContentLength > nginxBody:
			status = http.StatusRequestEntityTooLarge
		default:
			for name, values := range r.Header {
				for _, v := range values {
					if len(name)+len(": ")+len(v)+len("\r\n") > nginxLine {
						status = http.StatusBadRequest
					}
				}
			}
		}
		p.mu.Lock()
		p.lines = append(p.lines, line)
		p.bodies = append(p.bodies, r.ContentLength)
		if status != 0 {
			p.refused = append(p.refused, status)
		}
		p.mu.Unlock()
		if status != 0 {
			text := fmt.Sprintf("%d %s", status, map[int]string{http.StatusRequestURITooLong: "Request-URI Too Large", http.StatusRequestEntityTooLarge: "Request Entity Too Large", http.StatusBadRequest: "Bad Request"}[status])
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			fmt.Fprintf(w, "<html><head><title>%s</title></head><body><center><h1>%s</h1></center><hr><center>nginx</center></body></html>\r\n", text, text)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

// seen returns the request lines' lengths and the refusals so far.
func (p *nginxProxy) seen() (lines, refused []int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.lines...), append([]int(nil), p.refused...)
}

func TestNginxProxyRefusesLongLines(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	p := newNginxProxy(t, s.URL())
	for _, c := range []struct {
		line int
		want int
	}{{nginxLine, http.StatusOK}, {nginxLine + 1, http.StatusRequestURITooLong}} {
		// "GET " + "/api/health?x=..." + " HTTP/1.1\r\n"
		pad := c.line - len("GET /api/health?x= HTTP/1.1\r\n")
		resp, err := http.Get(p.URL + "/api/health?x=" + strings.Repeat("a", pad))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("request line of %d bytes: HTTP %d, want %d", c.line, resp.StatusCode, c.want)
		}
	}
}

// TestObserveBehindNginx: plan's read of 5,000 services passes through a
// proxy with nginx's default limits without a refusal, every request line
// within 8 KB (the default --url-budget counts the whole line).
func TestObserveBehindNginx(t *testing.T) {
	if testing.Short() {
		t.Skip("5,000 services")
	}
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	seedServices(t, s, "shop", 5000)
	p := newNginxProxy(t, s.URL())
	c, err := dokploy.New(dokploy.Options{BaseURL: p.URL, APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	live, err := c.Observe(context.Background(), []string{"shop"})
	if err != nil {
		t.Fatal(err)
	}
	if env := live.Projects["shop"][0].Environments[0]; len(env.Applications)+len(env.Databases) != 5000 {
		t.Errorf("read %d services, want 5000", len(env.Applications)+len(env.Databases))
	}
	lines, refused := p.seen()
	if len(refused) > 0 {
		t.Errorf("the proxy refused %d requests (%v)", len(refused), refused[0])
	}
	longest := 0
	for _, n := range lines {
		longest = max(longest, n)
	}
	if longest > nginxLine {
		t.Errorf("a request line of %d bytes, over nginx's %d", longest, nginxLine)
	}
	// The budget is used, not wasted: batches come close to it.
	if longest < nginxLine-512 {
		t.Errorf("longest request line %d bytes, want close to %d", longest, nginxLine)
	}
}

// TestObserveSplitsOn414: with a budget over the proxy's limit, the
// proxy's 414s split the batches as a 431 does, and the read succeeds.
func TestObserveSplitsOn414(t *testing.T) {
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	seedServices(t, s, "shop", 300)
	p := newNginxProxy(t, s.URL())
	c, err := dokploy.New(dokploy.Options{BaseURL: p.URL, APIKey: "k", URLBudget: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	live, err := c.Observe(context.Background(), []string{"shop"})
	if err != nil {
		t.Fatal(err)
	}
	if env := live.Projects["shop"][0].Environments[0]; len(env.Applications)+len(env.Databases) != 300 {
		t.Errorf("read %d services, want 300", len(env.Applications)+len(env.Databases))
	}
	_, refused := p.seen()
	if len(refused) == 0 || refused[0] != http.StatusRequestURITooLong {
		t.Fatalf("refusals %v, want 414s", refused)
	}
	// Learned: the next read is not refused.
	if _, err := c.Observe(context.Background(), []string{"shop"}); err != nil {
		t.Fatal(err)
	}
	if _, again := p.seen(); len(again) != len(refused) {
		t.Errorf("%d more refusals after the client learned the limit", len(again)-len(refused))
	}
}

// TestMutationsBehindNginxBodyLimit: a step of many large writes (300
// envs of 8 KB: 2.4 MB) passes a proxy with nginx's default
// client_max_body_size: every batch body stays within 1 MB (the default
// --body-budget), and none is refused.
func TestMutationsBehindNginxBodyLimit(t *testing.T) {
	_, p, c, apps := appsBehindNginx(t, 300, 0)
	saveEnvs(t, c, apps, strings.Repeat("K="+strings.Repeat("v", 80)+"\n", 100)) // 8.2 KB each
	_, refused := p.seen()
	if len(refused) > 0 {
		t.Errorf("the proxy refused %d requests (HTTP %d)", len(refused), refused[0])
	}
}

// TestMutationsSplitOn413: with a body budget over the proxy's limit, the
// proxy's 413s split the batch (nothing of a refused request reached the
// server), every write lands once, and the client learns the limit.
func TestMutationsSplitOn413(t *testing.T) {
	s, p, c, apps := appsBehindNginx(t, 100, 8<<20)
	env := strings.Repeat("K="+strings.Repeat("v", 80)+"\n", 200) // 16.4 KB each
	saveEnvs(t, c, apps, env)
	saves := 0
	for _, r := range s.Requests() {
		for _, proc := range r.Procs {
			if proc == "application.saveEnvironment" {
				saves++
			}
		}
	}
	if saves != len(apps) {
		t.Errorf("the server ran %d saveEnvironment calls for %d applications", saves, len(apps))
	}
	_, refused := p.seen()
	if len(refused) == 0 || refused[0] != http.StatusRequestEntityTooLarge {
		t.Fatalf("refusals %v, want 413s", refused)
	}
	saveEnvs(t, c, apps, env)
	if _, again := p.seen(); len(again) != len(refused) {
		t.Errorf("%d more refusals after the client learned the limit", len(again)-len(refused))
	}
}

// saveEnvs writes env to every application of apps in one Do; every call
// must succeed.
func saveEnvs(t *testing.T, c *dokploy.Client, apps []*dokploy.Application, env string) {
	t.Helper()
	var calls []*dokploy.Call
	for _, a := range apps {
		calls = append(calls, dokploy.NewCall("application.saveEnvironment", map[string]any{
			"applicationId": a.ApplicationID, "env": env, "buildArgs": nil, "buildSecrets": nil, "createEnvFile": true}, nil))
	}
	if err := c.Do(context.Background(), calls...); err != nil {
		t.Fatal(err)
	}
	for _, call := range calls {
		if call.Err != nil {
			t.Fatalf("%s: %v", call.Proc, call.Err)
		}
	}
}

// appsBehindNginx is a fake with n applications (and n databases) behind an
// nginx proxy, a tRPC client of it with bodyBudget (0: the default), and
// the applications as the client read them.
func appsBehindNginx(t *testing.T, n, bodyBudget int) (*dokploytest.Server, *nginxProxy, *dokploy.Client, []*dokploy.Application) {
	t.Helper()
	s := dokploytest.NewTestServer(t, dokploytest.Options{APIKey: "k"})
	seedServices(t, s, "shop", 2*n)
	p := newNginxProxy(t, s.URL())
	c, err := dokploy.New(dokploy.Options{BaseURL: p.URL, APIKey: "k", API: dokploy.APITRPC, BodyBudget: bodyBudget})
	if err != nil {
		t.Fatal(err)
	}
	live, err := c.Observe(context.Background(), []string{"shop"})
	if err != nil {
		t.Fatal(err)
	}
	apps := live.Projects["shop"][0].Environments[0].Applications
	if len(apps) != n {
		t.Fatalf("%d applications, want %d", len(apps), n)
	}
	return s, p, c, apps
}
