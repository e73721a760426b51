package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
)

// doctorCmd checks, one line each, what plan and apply need to talk to
// Dokploy: the URL, its name, a connection, TLS, the API faces, the server
// version and the key. A check that fails says what to fix; the checks
// that depend on it are skipped. It never prints the key.
type doctorCmd struct {
	roots *x509.CertPool // verifies TLS instead of the system's roots (tests)
}

// doctorTimeout bounds each network check.
const doctorTimeout = 10 * time.Second

type doctor struct {
	w      io.Writer
	failed int
}

func (d *doctor) ok(name, detail string) { fmt.Fprintf(d.w, "ok    %-8s %s\n", name, detail) }

func (d *doctor) skip(name, why string) { fmt.Fprintf(d.w, "skip  %-8s %s\n", name, why) }

func (d *doctor) fail(name, msg string) {
	d.failed++
	fmt.Fprintf(d.w, "FAIL  %-8s %s\n", name, msg)
}

func (c *doctorCmd) Run(ctx context.Context, g *Globals) error {
	d := &doctor{w: g.stdout}
	later := []string{"dns", "tcp", "tls", "api", "version", "key"}
	skipFrom := func(i int, why string) {
		for _, name := range later[i:] {
			d.skip(name, why)
		}
	}
	// The instance as every other command chooses it: flags, --context,
	// the environment (doctor reads no spec, so no defaultContext).
	g.quietInstance = true // the url line says it
	if err := g.resolveInstance(nil); err != nil {
		d.fail("context", err.Error())
		d.skip("url", "needs the instance chosen")
		skipFrom(0, "needs the instance chosen")
		return &exitError{code: 1, msg: "1 check failed (above)"}
	}
	if g.instance.context != "" {
		d.ok("context", g.instance.line())
	}
	base := d.checkURL(g)
	switch {
	case base == nil:
		skipFrom(0, "needs a usable URL")
	case !d.checkDNS(ctx, base):
		skipFrom(1, "needs the host to resolve")
	case !d.checkTCP(ctx, base):
		skipFrom(2, "needs a connection")
	case !d.checkTLS(ctx, base, c.roots):
		skipFrom(3, "needs TLS to work")
	default:
		d.checkAPI(ctx, g, c.roots)
	}
	if d.failed > 0 {
		return &exitError{code: 1, msg: fmt.Sprintf("%d %s failed (above)", d.failed, plural(d.failed, "check", "checks"))}
	}
	fmt.Fprintln(g.stdout, "\nAll checks passed.")
	return nil
}

// checkURL: set, http(s), the panel's base URL, https or this machine
// (or --allow-http).
func (d *doctor) checkURL(g *Globals) *url.URL {
	// dokploy.New checks the URL as plan does (the key is checked later).
	if _, err := dokploy.New(dokploy.Options{BaseURL: g.URL, APIKey: "-", AllowHTTP: g.AllowHTTP}); err != nil {
		d.fail("url", err.Error())
		return nil
	}
	u, _ := url.Parse(strings.TrimRight(g.URL, "/"))
	shown := u.Scheme + "://" + u.Host + u.Path
	switch {
	case u.Scheme == "https":
		d.ok("url", shown)
	case dokploy.IsLocal(u.Hostname()):
		d.ok("url", shown+" (plain http to this machine)")
	default:
		d.ok("url", shown+" (plain http with --allow-http: the key travels in clear)")
	}
	return u
}

func (d *doctor) checkDNS(ctx context.Context, u *url.URL) bool {
	host := u.Hostname()
	if net.ParseIP(host) != nil {
		d.ok("dns", host+" is an IP address: nothing to resolve")
		return true
	}
	ctx, cancel := context.WithTimeout(ctx, doctorTimeout)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupHost(ctx, host)
	if err != nil {
		d.fail("dns", dokploy.ExplainNetError(u, err).Error())
		return false
	}
	d.ok("dns", fmt.Sprintf("%s resolves to %s", host, strings.Join(addrs, ", ")))
	return true
}

// hostPort is the address u connects to.
func hostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[u.Scheme]
	}
	return net.JoinHostPort(u.Hostname(), port)
}

func (d *doctor) checkTCP(ctx context.Context, u *url.URL) bool {
	dialer := &net.Dialer{Timeout: doctorTimeout}
	conn, err := dialer.DialContext(ctx, "tcp", hostPort(u))
	if err != nil {
		d.fail("tcp", dokploy.ExplainNetError(u, err).Error())
		return false
	}
	conn.Close()
	d.ok("tcp", "connected to "+hostPort(u))
	return true
}

func (d *doctor) checkTLS(ctx context.Context, u *url.URL, roots *x509.CertPool) bool {
	if u.Scheme != "https" {
		d.skip("tls", "http:// URL: no TLS")
		return true
	}
	dialer := &tls.Dialer{NetDialer: &net.Dialer{Timeout: doctorTimeout}, Config: &tls.Config{ServerName: u.Hostname(), RootCAs: roots}}
	conn, err := dialer.DialContext(ctx, "tcp", hostPort(u))
	if err != nil {
		d.fail("tls", explainTLS(u, err))
		return false
	}
	defer conn.Close()
	leaf := conn.(*tls.Conn).ConnectionState().PeerCertificates[0]
	detail := fmt.Sprintf("certificate for %s valid until %s, issued by %s", u.Hostname(), leaf.NotAfter.UTC().Format("2006-01-02"), issuer(leaf))
	if left := time.Until(leaf.NotAfter); left < 14*24*time.Hour {
		detail += fmt.Sprintf(" (expires in %d days: check that it gets renewed)", int(left.Hours()/24))
	}
	d.ok("tls", detail)
	return true
}

func issuer(c *x509.Certificate) string {
	if c.Issuer.CommonName != "" {
		return c.Issuer.CommonName
	}
	if len(c.Issuer.Organization) > 0 {
		return c.Issuer.Organization[0]
	}
	return "an unnamed issuer"
}

// explainTLS says why the TLS handshake with u's host failed and what to
// do about it.
func explainTLS(u *url.URL, err error) string {
	host := u.Hostname()
	switch cert := dokploy.Certificate(err); cert.Problem {
	case dokploy.CertExpired:
		return fmt.Sprintf("the certificate of %s has expired or is not valid yet (%s): renew it (Dokploy's Traefik renews Let's Encrypt certificates while port 80 of the domain reaches it), and check this machine's clock",
			host, cert.Detail)
	case dokploy.CertUnknownAuthority:
		return fmt.Sprintf("the certificate of %s is self-signed or from an unknown authority: give the panel a certificate from a public CA (Dokploy can get one from Let's Encrypt), or add its CA to this machine's trust store", host)
	case dokploy.CertWrongHost:
		return fmt.Sprintf("the certificate is not for %s (%s): use a URL with a name the certificate covers, or get a certificate for %s", host, cert.Detail, host)
	case dokploy.CertInvalid:
		return fmt.Sprintf("the certificate of %s is not valid (%s)", host, cert.Detail)
	}
	return dokploy.ExplainNetError(u, err).Error()
}

// face is what one HTTP face of the API answered to settings.getDokployVersion.
type face struct {
	name, path string
	api        string // dokploy.APITRPC or APIREST
	client     *dokploy.Client
	version    string
	err        error
}

// answers: a Dokploy answer, a refused key included.
func (f *face) answers() bool { return f.err == nil || dokploy.IsUnauthorized(f.err) }

func (f *face) why() string {
	if st := dokploy.HTTPStatus(f.err); st != 0 {
		return fmt.Sprintf("HTTP %d", st)
	}
	return f.err.Error()
}

func (d *doctor) checkAPI(ctx context.Context, g *Globals, roots *x509.CertPool) {
	if g.APIKey == "" {
		d.skip("api", "needs an API key")
		d.skip("version", "needs an API key")
		d.fail("key", "no API key: set DOKPLOY_API_KEY (or DOKPLOY_AUTH_TOKEN), or give a file with --api-key-file; create one in Dokploy under Settings > Profile > API keys")
		return
	}
	var hc *http.Client
	if roots != nil {
		hc = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	}
	faces := []*face{{name: "tRPC", path: "/api/trpc", api: dokploy.APITRPC}, {name: "REST", path: "/api", api: dokploy.APIREST}}
	for _, f := range faces {
		c, err := dokploy.New(dokploy.Options{BaseURL: g.URL, APIKey: g.APIKey, API: f.api, AllowHTTP: g.AllowHTTP,
			UserAgent: "dokploy-sync/" + buildVersion(), Timeout: doctorTimeout, Retry: dokploy.Retry{Attempts: 1}, HTTPClient: hc})
		if err != nil {
			f.err = err
			continue
		}
		f.client = c
		f.err = c.Do(ctx, dokploy.NewCall("settings.getDokployVersion", nil, &f.version))
	}
	trpc, rest := faces[0], faces[1]
	var use *face
	switch {
	case trpc.answers() && rest.answers():
		use = trpc
		if g.API == dokploy.APIREST {
			use = rest
		}
		d.ok("api", fmt.Sprintf("tRPC (/api/trpc) and REST (/api) answer; --api %s uses %s", g.API, use.name))
	case trpc.answers() || rest.answers(): // one of them
		use = trpc
		other := rest
		if rest.answers() {
			use, other = rest, trpc
		}
		if g.API == other.api {
			d.fail("api", fmt.Sprintf("--api %s, but %s (%s) does not answer (%s) and %s (%s) does: use --api auto or %s", other.api, other.name, other.path, other.why(), use.name, use.path, use.api))
			use = nil
		} else {
			d.ok("api", fmt.Sprintf("%s (%s) answers, %s (%s) does not (%s): --api %s uses %s", use.name, use.path, other.name, other.path, other.why(), g.API, use.name))
		}
	default:
		d.fail("api", fmt.Sprintf("neither tRPC (/api/trpc: %s) nor REST (/api: %s) answers like Dokploy: is DOKPLOY_URL the panel's base URL (the address of the Dokploy UI, without a path)?", trpc.why(), rest.why()))
	}
	if use == nil {
		d.skip("version", "needs an API face that answers")
		d.skip("key", "needs an API face that answers")
		return
	}
	if use.err != nil { // 401: the key
		d.skip("version", "needs a valid key")
		d.fail("key", "refused (HTTP 401): "+dokploy.UnauthorizedHint)
		return
	}
	if err := dokploy.CheckVersion(use.version); err != nil {
		d.fail("version", err.Error())
	} else {
		d.ok("version", "Dokploy "+use.version)
	}
	var member struct {
		Role string `json:"role"`
	}
	err := use.client.Do(ctx, dokploy.NewCall("user.get", nil, &member))
	switch {
	case err == nil:
		d.ok("key", "accepted; "+roleText(member.Role))
	case dokploy.IsUnauthorized(err):
		d.fail("key", "refused for user.get (HTTP 401): "+dokploy.UnauthorizedHint)
	case dokploy.HTTPStatus(err) == 403:
		d.fail("key", "valid, but not allowed to read its own user (user.get: HTTP 403): give the key's user the owner or admin role, or access to the declared projects")
	default:
		d.fail("key", "user.get: "+err.Error())
	}
}

func roleText(role string) string {
	switch role {
	case "owner", "admin":
		return "role " + role + ": sees and changes every project"
	case "":
		return "no role in the organization (user.get answered nothing): plan may miss projects"
	case "member":
		return "role member: sees only the projects and services shared with it (plan shows the others as missing; an owner or admin key sees all); apply sends its creates one at a time"
	}
	return "role " + role + " (a custom role: sees what it was given access to; apply sends its creates one at a time)"
}
