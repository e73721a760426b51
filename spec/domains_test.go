package spec

import (
	"strings"
	"testing"
)

// A domain list shared through a YAML alias is one node in two services:
// the message says so (not "inherited via extends"), and another server
// keeps two services with one host apart.
func TestDomainHostsAcrossServices(t *testing.T) {
	doc := `apiVersion: dokploy-sync/v1
x-domains: &domains
  - {host: api.example.com}
projects:
  shop:
    environments:
      production:
        applications:
          api:
            source: {docker: {image: "nginx:1"}}
            domains: *domains
          web:
            source: {docker: {image: "nginx:1"}}
            domains: *domains
          edge:
            source: {docker: {image: "nginx:1"}}
            server: edge-1
            domains: [{host: api.example.com}]
          edge2:
            source: {docker: {image: "nginx:1"}}
            server: edge-2
            domains: [{host: api.example.com, path: /}]
`
	_, ds := LoadBytes("dokploy.yaml", []byte(doc), t.TempDir(), noVarsOptions())
	got := ds.String()
	want := "error: dokploy.yaml:3:5: shop/production/application/web: domains[0]: host api.example.com with path / is used by shop/production/application/api too (one YAML node, through an alias); on one server Traefik routes a host and path to one service only: give each service its own host or path\n"
	if got != want {
		t.Errorf("diagnostics:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, "extends") || strings.Contains(got, "edge") {
		t.Errorf("diagnostics name extends or the services on other servers:\n%s", got)
	}
}
