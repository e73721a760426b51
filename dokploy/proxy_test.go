package dokploy_test

import (
	"context"
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

// nginxProxy is a reverse proxy in front of target with nginx's default
// limits: a request line (method, target, protocol, CRLF) longer than
// nginxLine gets 414 (URI Too Long), a header line longer than it 400
// (Request Header Or Cookie Too Large). It records the length of every
// request line and the status of every refusal.
type nginxProxy struct {
	*httptest.Server
	mu      sync.Mutex
	lines   []int
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
		if status != 0 {
			p.refused = append(p.refused, status)
		}
		p.mu.Unlock()
		if status != 0 {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			w.Write([]byte("<html><head><title>414 Request-URI Too Large</title></head><body><center><h1>414 Request-URI Too Large</h1></center><hr><center>nginx</center></body></html>\r\n"))
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
