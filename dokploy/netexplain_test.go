package dokploy_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
)

const explainKey = "key-never-shown-93c1"

// closedPort is a localhost address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// Each way of not reaching the server, end to end through the client:
// the message says what failed and what to check, and never the key.
func TestConnectionErrorsSayWhatToCheck(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer plain.Close()
	hang := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-hang }))
	defer slow.Close()
	defer close(hang)
	refused := "http://" + closedPort(t)
	plainAsHTTPS := "https://" + strings.TrimPrefix(plain.URL, "http://")

	for _, tc := range []struct {
		name, url string
		timeout   time.Duration
		want      string
		retried   bool
	}{
		{"refused", refused, 0, "cannot reach DOKPLOY_URL=" + refused + ": connection refused: is Dokploy up and the URL right?", true},
		{"http server behind https", plainAsHTTPS, 0, "cannot reach DOKPLOY_URL=" + plainAsHTTPS + ": the server answers plain http, not https: use DOKPLOY_URL=" + plain.URL, false},
		{"timeout", slow.URL, 100 * time.Millisecond, "no answer within 100ms (the request timeout)", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sl := &sleeps{}
			c, err := dokploy.New(dokploy.Options{BaseURL: tc.url, APIKey: explainKey, API: dokploy.APIREST, Timeout: tc.timeout, Sleep: sl.sleep})
			if err != nil {
				t.Fatal(err)
			}
			err = c.Do(context.Background(), dokploy.NewCall("project.all", nil, nil))
			if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
				t.Fatalf("error %v\nwant it to end with %q", err, tc.want)
			}
			if strings.Contains(err.Error(), explainKey) {
				t.Errorf("the key is in the error: %v", err)
			}
			if (sl.count() > 0) != tc.retried {
				t.Errorf("%d retries, retried should be %v", sl.count(), tc.retried)
			}
		})
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

// The classification alone, with errors as the transport returns them,
// including those that need a network to happen for real.
func TestExplainNetError(t *testing.T) {
	remote, _ := url.Parse("https://admin:pw-secret@dokploy.example.com:3000/panel")
	local, _ := url.Parse("https://localhost:3000")
	dial := func(err error) error {
		return &url.Error{Op: "Get", URL: remote.String() + "/api/project.all", Err: &net.OpError{Op: "dial", Net: "tcp", Err: err}}
	}
	for _, tc := range []struct {
		name string
		base *url.URL
		err  error
		want string
		host bool // a *HostError: never retried
	}{
		{"dns", remote, dial(&net.DNSError{Err: "no such host", Name: "dokploy.example.com", IsNotFound: true}),
			"cannot resolve dokploy.example.com (no such host): check DOKPLOY_URL and DNS", true},
		{"refused", remote, dial(os.NewSyscallError("connect", syscall.ECONNREFUSED)),
			"cannot reach DOKPLOY_URL=https://dokploy.example.com:3000: connection refused: is Dokploy up and the URL right?", false},
		{"connect timeout", remote, dial(timeoutErr{}),
			"cannot reach DOKPLOY_URL=https://dokploy.example.com:3000: timed out connecting: is the host up, the port right, and open in its firewall?", false},
		{"http answer, remote", remote, errors.New("http: server gave HTTP response to HTTPS client"),
			"cannot reach DOKPLOY_URL=https://dokploy.example.com:3000: the server answers plain http, not https: use DOKPLOY_URL=http://dokploy.example.com:3000 with --allow-http (the API key then travels in clear: only on a private network), or put TLS in front of Dokploy", true},
		{"tls record, local", local, &url.Error{Op: "Get", URL: "https://localhost:3000/api", Err: tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}},
			"cannot reach DOKPLOY_URL=https://localhost:3000: the server answers plain http, not https: use DOKPLOY_URL=http://localhost:3000", true},
		{"other", remote, &url.Error{Op: "Get", URL: remote.String() + "/api/x?q=1", Err: errors.New("unexpected EOF")}, "unexpected EOF", false},
	} {
		got := dokploy.ExplainNetError(tc.base, tc.err)
		if got.Error() != tc.want {
			t.Errorf("%s: %q\nwant %q", tc.name, got, tc.want)
		}
		if strings.Contains(got.Error(), "pw-secret") || strings.Contains(got.Error(), "admin") {
			t.Errorf("%s: credentials of the URL in %q", tc.name, got)
		}
		var he *dokploy.HostError
		if errors.As(got, &he) != tc.host {
			t.Errorf("%s: HostError %v, want %v", tc.name, !tc.host, tc.host)
		}
	}
}
