package dokploy

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"syscall"
)

// Error is an error answer of the Dokploy server to one procedure call.
type Error struct {
	Proc   string // procedure called
	Status int    // HTTP status (per item in a tRPC batch)
	Code   string // tRPC code string: UNAUTHORIZED, NOT_FOUND, BAD_REQUEST, CONFLICT, ...
	// Message is the server's message. It is never shown unredacted: some
	// Dokploy errors quote submitted values (SQL with passwords).
	Message string
	// FieldErrors are zod's per-field messages of a 400 validation error.
	FieldErrors map[string][]string
}

// UnauthorizedHint is added to a bare 401 ("UNAUTHORIZED"): Dokploy
// answers a bad, expired, disabled and rate-limited key alike.
const UnauthorizedHint = "the API key is invalid, expired, disabled or rate-limited; check the key (DOKPLOY_API_KEY, --api-key-file or --api-key) and that it was created with rate limiting off"

// NoAccessHint is added to a 401 with a message of its own: the routers'
// own checks ("You don't have access to this service", "You are not
// authorized to access this project", ...) run only once the key was
// accepted (trpc.ts:161-164 answers a bare UNAUTHORIZED before them).
const NoAccessHint = "the API key was accepted, but its user may not do this: its role (member or a custom one) lacks the permission or the access to this project or service; an owner or admin can grant it in Dokploy's user settings, or use an owner's or admin's key"

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", e.Proc)
	switch {
	case e.Status == 401:
		b.WriteString("unauthorized: ")
		if e.Message != "" && e.Message != "Unauthorized" && e.Message != "UNAUTHORIZED" {
			b.WriteString(e.Message)
			b.WriteString(" (")
			b.WriteString(NoAccessHint)
			b.WriteString(")")
		} else {
			b.WriteString(UnauthorizedHint)
		}
		return b.String()
	case e.Status == 404:
		b.WriteString("not found: ")
	case e.Status == 409:
		b.WriteString("conflict: ")
	case e.Status == 400:
		b.WriteString("bad request: ")
	default:
		fmt.Fprintf(&b, "HTTP %d: ", e.Status)
	}
	msg := e.Message
	if len(e.FieldErrors) > 0 {
		// zod's tRPC message is the JSON of the issues; the field list says it better.
		var parts []string
		for _, f := range sortedFieldKeys(e.FieldErrors) {
			parts = append(parts, f+": "+strings.Join(e.FieldErrors[f], "; "))
		}
		msg = "invalid input: " + strings.Join(parts, ", ")
	}
	if strings.HasPrefix(msg, "Failed query:") {
		msg = failedQuery(msg)
	}
	b.WriteString(msg)
	return b.String()
}

// failedQuery replaces Dokploy's raw SQL error (the whole statement with its
// parameters, which can hold secrets, over kilobytes) with what it means.
func failedQuery(msg string) string {
	const refused = "Dokploy's database refused the write: "
	switch {
	case strings.Contains(msg, `insert into "security"`):
		return refused + "a basic-auth user with this username already exists for the application"
	case strings.Contains(msg, `"customGitSSHKeyId"`) && strings.Contains(msg, "foreign key"):
		return refused + "sshKeyId is not an SSH key of this server (Dokploy: Settings > SSH Keys)"
	case strings.Contains(msg, "foreign key") || strings.Contains(msg, `"githubId"`) || strings.Contains(msg, `"gitlabId"`) ||
		strings.Contains(msg, `"bitbucketId"`) || strings.Contains(msg, `"giteaId"`) || strings.Contains(msg, `"customGitSSHKeyId"`):
		return refused + "an id the spec gives (a git providerId or an sshKeyId) is not one of this server's (Dokploy: Settings > Git, SSH Keys)"
	}
	return refused + "a value breaks one of its constraints (the statement is not shown: it can hold secrets)"
}

func sortedFieldKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func statusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// HTTPStatus is the HTTP status of an error answer (a procedure's, or of a
// tRPC request refused as a whole), or 0 for an error without an answer.
func HTTPStatus(err error) int {
	var r *errRefused
	if errors.As(err, &r) {
		return r.status
	}
	return statusOf(err)
}

// IsUnauthorized reports whether err is a 401 answer.
func IsUnauthorized(err error) bool { return statusOf(err) == 401 }

// IsNotFound reports whether err is a 404 answer.
func IsNotFound(err error) bool { return statusOf(err) == 404 }

// IsConflict reports whether err is a 409 answer.
func IsConflict(err error) bool { return statusOf(err) == 409 }

// IsBadRequest reports whether err is a 400 answer.
func IsBadRequest(err error) bool { return statusOf(err) == 400 }

// UncertainError is the error of a mutation whose outcome is unknown: it was
// sent, but no answer of the API came back (the connection dropped, the
// request timed out or was cancelled, a proxy answered 5xx), so the server
// may or may not have applied it. Mutations are never retried: the caller
// re-reads the live state instead.
type UncertainError struct {
	Proc string
	Err  error // what happened instead of an answer
}

func (e *UncertainError) Error() string {
	return fmt.Sprintf("the outcome of %s is unknown (%v): the request may or may not have been applied; dokploy-sync re-reads the live state before changing anything else", e.Proc, e.Err)
}

func (e *UncertainError) Unwrap() error { return e.Err }

// IsUncertain reports whether err is an *UncertainError.
func IsUncertain(err error) bool {
	var u *UncertainError
	return errors.As(err, &u)
}

// callsError is Do's error: nil when every call succeeded, the error itself
// when one call failed or all failed for the same reason (a request budget,
// a cancelled context), else a count of the failures by procedure that
// wraps the first one.
func callsError(calls []*Call) error {
	var first error
	var failed []*Call
	same := true
	for _, call := range calls {
		if call.Err == nil {
			continue
		}
		if first == nil {
			first = call.Err
		} else if !sameError(first, call.Err) {
			same = false
		}
		failed = append(failed, call)
	}
	if len(failed) <= 1 || same {
		return first
	}
	var procs []string
	count := map[string]int{}
	for _, call := range failed {
		if count[call.Proc] == 0 {
			procs = append(procs, call.Proc)
		}
		count[call.Proc]++
	}
	var parts []string
	for i, p := range procs {
		if i == 4 && len(procs) > 5 {
			parts = append(parts, fmt.Sprintf("%d more", len(procs)-i))
			break
		}
		parts = append(parts, fmt.Sprintf("%d %s", count[p], p))
	}
	return fmt.Errorf("%d of %d calls failed (%s); first: %w", len(failed), len(calls), strings.Join(parts, ", "), first)
}

// sameError reports whether a and b are the same error value (errors of an
// incomparable type never are).
func sameError(a, b error) bool {
	t := reflect.TypeOf(a)
	return t == reflect.TypeOf(b) && t.Comparable() && a == b
}

// HostError is a failure to reach the server that sending again cannot
// mend: its name does not resolve, or its TLS certificate cannot be
// verified. It is never retried; nothing reached the server.
type HostError struct {
	Host string
	Msg  string // what happened and what to check
	Err  error
}

func (e *HostError) Error() string { return e.Msg }

func (e *HostError) Unwrap() error { return e.Err }

// hostProblem returns a *HostError when err is a DNS or TLS verification
// failure of host, else nil.
func hostProblem(host string, err error) error {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		why := dns.Err
		if dns.IsNotFound {
			why = "no such host"
		}
		return &HostError{Host: host, Err: err, Msg: fmt.Sprintf("cannot resolve %s (%s): check DOKPLOY_URL and DNS", host, why)}
	}
	cert := Certificate(err)
	if cert.Problem == CertOK {
		return nil
	}
	return &HostError{Host: host, Err: err, Msg: fmt.Sprintf("cannot verify the TLS certificate of %s: %s; check DOKPLOY_URL, or the server's certificate", host, cert.Detail)}
}

// CertProblem is why a server's TLS certificate was refused.
type CertProblem int

const (
	CertOK               CertProblem = iota // err is not a certificate verification failure
	CertExpired                             // expired, or not valid yet
	CertUnknownAuthority                    // self-signed, or from an authority this machine does not trust
	CertWrongHost                           // not for the host of the URL
	CertInvalid                             // invalid for another reason crypto/x509 names
	CertUnverified                          // verification failed otherwise
)

// CertFailure is a certificate verification failure sorted by its
// problem, with crypto/x509's own words for it (Detail, "x509: " left out).
type CertFailure struct {
	Problem CertProblem
	Detail  string
}

// Certificate sorts err, a failure of a TLS handshake, by what was wrong
// with the server's certificate; Problem is CertOK when it is not a
// certificate verification failure. One place for what doctor explains
// and what the client's errors say.
func Certificate(err error) CertFailure {
	var unknown x509.UnknownAuthorityError
	var name x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	detail := func(e error) string { return strings.TrimPrefix(e.Error(), "x509: ") }
	switch {
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return CertFailure{CertExpired, detail(invalid)}
	case errors.As(err, &unknown):
		return CertFailure{CertUnknownAuthority, detail(unknown)}
	case errors.As(err, &name):
		return CertFailure{CertWrongHost, detail(name)}
	case errors.As(err, &invalid):
		return CertFailure{CertInvalid, detail(invalid)}
	case errors.As(err, &verify):
		return CertFailure{CertUnverified, detail(verify.Err)}
	}
	return CertFailure{}
}

// UnreachableError is a failure to connect to the server that may mend by
// itself (a server restarting refuses connections for a moment), so reads
// are still retried; Msg says what to check.
type UnreachableError struct {
	Msg string
	Err error
}

func (e *UnreachableError) Error() string { return e.Msg }

func (e *UnreachableError) Unwrap() error { return e.Err }

// ExplainNetError is the one classification of a request that got no
// answer (the caller's context alive, the request's own timeout not
// reached): it says what failed and what to check, naming the URL by its
// origin (never a path, a query or credentials):
//
//   - a name that does not resolve, or a TLS certificate that does not
//     verify: *HostError (hostProblem), never retried;
//   - an https URL answered by a plain http server: *HostError, suggesting
//     http:// (with --allow-http for another machine);
//   - connection refused, or no connection within the OS's connect
//     timeout: *UnreachableError, retried like any read;
//   - anything else: the error without the request's URL.
func ExplainNetError(base *url.URL, err error) error {
	host := base.Hostname()
	if e := hostProblem(host, err); e != nil {
		return e
	}
	at := "DOKPLOY_URL=" + origin(base)
	var rh tls.RecordHeaderError
	if base.Scheme == "https" && (errors.As(err, &rh) || strings.Contains(err.Error(), "server gave HTTP response to HTTPS client")) {
		plain := *base
		plain.Scheme, plain.User, plain.Path, plain.RawQuery = "http", nil, "", ""
		fix := fmt.Sprintf("use DOKPLOY_URL=%s", plain.String())
		if !IsLocal(host) {
			fix += " with --allow-http (the API key then travels in clear: only on a private network), or put TLS in front of Dokploy"
		}
		return &HostError{Host: host, Err: err, Msg: fmt.Sprintf("cannot reach %s: the server answers plain http, not https: %s", at, fix)}
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return &UnreachableError{Err: err, Msg: fmt.Sprintf("cannot reach %s: connection refused: is Dokploy up and the URL right?", at)}
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" && op.Timeout() {
		return &UnreachableError{Err: err, Msg: fmt.Sprintf("cannot reach %s: timed out connecting: is the host up, the port right, and open in its firewall?", at)}
	}
	return scrubURLError(err)
}

// IsLocal reports whether host is this machine (localhost or a loopback
// address): plain http to it needs no --allow-http.
func IsLocal(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
