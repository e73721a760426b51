package dokploy

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
)

// RedirectError is a redirect the client did not follow: one to another
// scheme, host or port would take the API key (and, on 307/308, the body
// with its passwords and env) to a server that is not the panel.
type RedirectError struct {
	From, To string // without credentials
	Status   int
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("the server answered %d with a redirect from %s to %s, another scheme, host or port; dokploy-sync does not follow it, so that the API key stays with the panel: set DOKPLOY_URL (or --url) to the panel's own address", e.Status, e.From, e.To)
}

// checkRedirect is the client's redirect policy: a redirect within the
// panel (same scheme, host and port) is followed, up to 5, and logged;
// any other is refused with a *RedirectError.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	prev := via[len(via)-1]
	if !sameOrigin(prev.URL, req.URL) {
		status := 0
		if req.Response != nil {
			status = req.Response.StatusCode
		}
		return &RedirectError{From: origin(prev.URL), To: HideURLPassword(req.URL.Redacted()), Status: status}
	}
	if len(via) >= 5 {
		return errors.New("stopped after 5 redirects")
	}
	c.logf("%s %s redirected to %s", prev.Method, prev.URL.Path, req.URL.Path)
	return nil
}

func sameOrigin(a, b *url.URL) bool {
	return a.Scheme == b.Scheme && a.Hostname() == b.Hostname() && port(a) == port(b)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if u.Scheme == "https" {
		return "443"
	}
	return "80"
}

func origin(u *url.URL) string { return u.Scheme + "://" + u.Host }

// insecureURL reports why u may not be used without --allow-http: plain
// http to a host that is not loopback sends the API key in clear.
func insecureURL(u *url.URL) error {
	if u.Scheme != "http" {
		return nil
	}
	if IsLocal(u.Hostname()) {
		return nil
	}
	return fmt.Errorf("dokploy URL %s is plain http to another machine: the API key would travel in clear; use https, or pass --allow-http if the network is private", origin(u))
}
