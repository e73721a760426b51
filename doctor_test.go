package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// runDoctor runs doctor against url with the test key and roots; it
// returns the output and whether every check passed.
func runDoctor(t *testing.T, url string, roots *x509.CertPool) (string, bool) {
	t.Helper()
	var out, errs bytes.Buffer
	g := &Globals{URL: url, APIKey: testAPIKey, API: "auto", stdout: &out, stderr: &errs}
	err := (&doctorCmd{roots: roots}).Run(context.Background(), g)
	if strings.Contains(out.String()+errs.String(), testAPIKey) {
		t.Errorf("the key is in the output:\n%s", out.String())
	}
	return out.String(), err == nil
}

func expectLine(t *testing.T, out, re string) {
	t.Helper()
	if !regexp.MustCompile("(?m)" + re).MatchString(out) {
		t.Errorf("no line matching %q in:\n%s", re, out)
	}
}

// tlsFake is the fake Dokploy behind TLS with cert (nil: httptest's own).
func tlsFake(t *testing.T, cert *tls.Certificate) *httptest.Server {
	srv := httptest.NewUnstartedServer(dokploytest.New(dokploytest.Options{APIKey: testAPIKey, Seed: 1}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the failed handshakes are the point
	if cert != nil {
		srv.TLS = &tls.Config{Certificates: []tls.Certificate{*cert}}
	}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func pool(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

func TestDoctorTLS(t *testing.T) {
	srv := tlsFake(t, nil)
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]

	// Trusted: every check passes over https.
	out, ok := runDoctor(t, srv.URL, pool(srv.Certificate()))
	if !ok {
		t.Errorf("doctor failed against a trusted TLS server:\n%s", out)
	}
	expectLine(t, out, `^ok    tls      certificate for 127\.0\.0\.1 valid until \d{4}-\d\d-\d\d, issued by `)
	expectLine(t, out, `^ok    key      accepted; role owner`)

	// The same server, not trusted (self-signed as far as this machine knows).
	out, ok = runDoctor(t, srv.URL, x509.NewCertPool())
	if ok {
		t.Errorf("doctor passed with an untrusted certificate:\n%s", out)
	}
	expectLine(t, out, `^FAIL  tls      the certificate of 127\.0\.0\.1 is self-signed or from an unknown authority: give the panel a certificate from a public CA`)
	expectLine(t, out, `^skip  api      needs TLS to work$`)

	// A name the certificate does not cover (it covers 127.0.0.1 and example.com).
	out, ok = runDoctor(t, "https://localhost:"+port, pool(srv.Certificate()))
	if ok {
		t.Errorf("doctor passed with a hostname mismatch:\n%s", out)
	}
	expectLine(t, out, `^FAIL  tls      the certificate is not for localhost \(certificate is valid for .*\): use a URL with a name the certificate covers`)

	// Expired.
	cert, leaf := selfSigned(t, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
	old := tlsFake(t, cert)
	out, ok = runDoctor(t, old.URL, pool(leaf))
	if ok {
		t.Errorf("doctor passed with an expired certificate:\n%s", out)
	}
	expectLine(t, out, `^FAIL  tls      the certificate of 127\.0\.0\.1 has expired or is not valid yet \(certificate has expired .*\): renew it`)

	// Valid, but close to its end: passes, with a warning.
	cert, leaf = selfSigned(t, time.Now().Add(-time.Hour), time.Now().Add(3*24*time.Hour+time.Hour))
	soon := tlsFake(t, cert)
	out, ok = runDoctor(t, soon.URL, pool(leaf))
	if !ok {
		t.Errorf("doctor failed with a valid certificate:\n%s", out)
	}
	expectLine(t, out, `^ok    tls      .*\(expires in 3 days: check that it gets renewed\)$`)
}

// selfSigned makes a certificate for 127.0.0.1 valid from notBefore to notAfter.
func selfSigned(t *testing.T, notBefore, notAfter time.Time) (*tls.Certificate, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test"},
		NotBefore: notBefore, NotAfter: notAfter, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf
}

// Which face answers: a proxy that refuses /api/trpc leaves REST; a server
// that is not Dokploy answers neither.
func TestDoctorAPIFaces(t *testing.T) {
	fake := dokploytest.New(dokploytest.Options{APIKey: testAPIKey, Seed: 1})
	restOnly := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/trpc") {
			http.NotFound(w, r)
			return
		}
		fake.ServeHTTP(w, r)
	}))
	defer restOnly.Close()
	out, ok := runDoctor(t, restOnly.URL, nil)
	if !ok {
		t.Errorf("doctor failed with REST only:\n%s", out)
	}
	expectLine(t, out, `^ok    api      REST \(/api\) answers, tRPC \(/api/trpc\) does not \(HTTP 404\): --api auto uses REST$`)
	expectLine(t, out, `^ok    key      accepted`)

	other := httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	out, ok = runDoctor(t, other.URL, nil)
	if ok {
		t.Errorf("doctor passed against a server that is not Dokploy:\n%s", out)
	}
	expectLine(t, out, `^FAIL  api      neither tRPC \(/api/trpc: HTTP 404\) nor REST \(/api: HTTP 404\) answers like Dokploy: is DOKPLOY_URL the panel's base URL`)
	expectLine(t, out, `^skip  key      needs an API face that answers$`)
}
