package dokploy_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
)

// A redirect to another host (or scheme, or port) is never followed: the
// API key and a mutation's body would reach it. The error says where it
// pointed and what to fix; it is not retried and a mutation is not
// uncertain (the panel did not run it).
func TestRedirectsToOtherHostsAreRefused(t *testing.T) {
	var other atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		other.Add(1)
		if r.Header.Get("x-api-key") != "" {
			t.Error("the API key reached the other host")
		}
	}))
	defer elsewhere.Close()
	for _, code := range []int{http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		panel := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, elsewhere.URL+r.URL.Path, code)
		}))
		c, err := dokploy.New(dokploy.Options{BaseURL: panel.URL, APIKey: "secret-key"})
		if err != nil {
			t.Fatal(err)
		}
		calls := []*dokploy.Call{dokploy.NewCall("project.all", nil, nil), dokploy.NewCall("project.create", map[string]any{"name": "x"}, nil)}
		err = c.Do(context.Background(), calls...)
		var re *dokploy.RedirectError
		if err == nil || !strings.Contains(err.Error(), "redirect from "+panel.URL+" to "+elsewhere.URL+"/api/trpc/") ||
			!strings.Contains(err.Error(), "set DOKPLOY_URL") || dokploy.IsUncertain(calls[1].Err) {
			t.Errorf("%d: err = %v (%T)", code, err, re)
		}
		if c.Requests() != 2 {
			t.Errorf("%d: %d requests: a redirect was retried", code, c.Requests())
		}
		panel.Close()
	}
	if other.Load() != 0 {
		t.Errorf("the other host got %d requests", other.Load())
	}
}

// A redirect within the panel (a path moved) is followed.
func TestRedirectsWithinThePanelAreFollowed(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/old/api/trpc/settings.getDokployVersion", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/api/trpc/settings.getDokployVersion", http.StatusFound)
	})
	mux.HandleFunc("/api/trpc/settings.getDokployVersion", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"result":{"data":{"json":"v0.30.2"}}}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, _ := dokploy.New(dokploy.Options{BaseURL: srv.URL + "/old", APIKey: "k"})
	var v string
	if err := c.Do(context.Background(), dokploy.NewCall("settings.getDokployVersion", nil, &v)); err != nil || v != "v0.30.2" {
		t.Fatalf("v = %q, err = %v", v, err)
	}
}

// Plain http to another machine is refused unless AllowHTTP: the key would
// travel in clear. Loopback is fine.
func TestPlainHTTPToAnotherMachineIsRefused(t *testing.T) {
	for url, ok := range map[string]bool{
		"http://dokploy.example.com":  false,
		"http://10.0.0.5:3000":        false,
		"http://127.0.0.1:3000":       true,
		"http://localhost:3000":       true,
		"http://[::1]:3000":           true,
		"https://dokploy.example.com": true,
	} {
		_, err := dokploy.New(dokploy.Options{BaseURL: url, APIKey: "k"})
		if (err == nil) != ok || !ok && !strings.Contains(err.Error(), "plain http to another machine: the API key would travel in clear; use https, or pass --allow-http") {
			t.Errorf("%s: err = %v", url, err)
		}
		if _, err := dokploy.New(dokploy.Options{BaseURL: url, APIKey: "k", AllowHTTP: true}); err != nil {
			t.Errorf("%s with AllowHTTP: %v", url, err)
		}
	}
}

// A call whose input holds the server's placeholder for a hidden secret is
// never sent: it would replace the secret.
func TestPlaceholdersAreNeverSent(t *testing.T) {
	var got atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got.Add(1) }))
	defer srv.Close()
	c, _ := dokploy.New(dokploy.Options{BaseURL: srv.URL, APIKey: "k"})
	call := dokploy.NewCall("application.update", map[string]any{"applicationId": "a", "env": "A=1\nB=__DOKPLOY_REDACTED_SECRET__"}, nil)
	if err := c.Do(context.Background(), call); err == nil || !strings.Contains(err.Error(), "not sent: its input holds the placeholder") || got.Load() != 0 {
		t.Fatalf("err = %v, %d requests", err, got.Load())
	}
}
