package planner

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/dokploy-sync/dokploy-sync/dokploy"
)

// The columns domains, ports and mounts had when they were fields of the
// live services (the fingerprint hashed them by these names).
type (
	fieldDomain struct {
		DomainID           string  `json:"domainId"`
		Host               string  `json:"host"`
		Path               *string `json:"path"`
		Port               *int    `json:"port"`
		HTTPS              *bool   `json:"https"`
		CertificateType    *string `json:"certificateType"`
		CustomCertResolver *string `json:"customCertResolver"`
		ServiceName        *string `json:"serviceName"`
		StripPath          *bool   `json:"stripPath"`
		InternalPath       *string `json:"internalPath"`
		DomainType         *string `json:"domainType"`
	}
	fieldPort struct {
		PortID        string  `json:"portId"`
		PublishedPort int     `json:"publishedPort"`
		TargetPort    int     `json:"targetPort"`
		Protocol      *string `json:"protocol"`
		PublishMode   *string `json:"publishMode"`
	}
	fieldMount struct {
		MountID     string  `json:"mountId"`
		Type        string  `json:"type"`
		MountPath   string  `json:"mountPath"`
		VolumeName  *string `json:"volumeName"`
		HostPath    *string `json:"hostPath"`
		FilePath    *string `json:"filePath"`
		Content     *string `json:"content"`
		ServiceType *string `json:"serviceType"`
	}
)

// TestFingerprintHashesChildrenAsFields: the items of domains, ports and
// mounts go into a service's fingerprint exactly as the fields they once
// were (same names, ids empty, sorted alike), so that the fingerprint of
// a live service, and the deploys a plan owes, stay what they were. Only
// the children that need a deploy count: an application's domains do
// not.
func TestFingerprintHashesChildrenAsFields(t *testing.T) {
	const domains = `[
		{"domainId": "d2", "host": "b.example.com", "path": "/", "port": 3000, "https": true, "certificateType": "letsencrypt",
		 "customCertResolver": null, "serviceName": "web", "stripPath": false, "internalPath": "/", "domainType": "compose", "createdAt": "x", "composeId": "C1"},
		{"domainId": "d1", "host": "a.example.com", "path": "/api", "port": 8080, "https": false, "certificateType": "none",
		 "serviceName": "api", "stripPath": true, "internalPath": "/v1", "domainType": "compose", "uniqueConfigKey": 7}]`
	const ports = `[
		{"portId": "p2", "publishedPort": 9000, "targetPort": 9000, "protocol": "tcp", "publishMode": "ingress", "applicationId": "A1"},
		{"portId": "p1", "publishedPort": 5353, "targetPort": 53, "protocol": "udp", "publishMode": null}]`
	const mounts = `[
		{"mountId": "m2", "type": "volume", "mountPath": "/data", "volumeName": "v", "hostPath": null, "serviceType": "application"},
		{"mountId": "m1", "type": "file", "mountPath": "/etc/a.conf", "filePath": "a.conf", "content": "a = 1\n", "serviceType": "compose"}]`

	var app dokploy.Application
	if err := json.Unmarshal([]byte(`{"applicationId": "A1", "appName": "api-x", "domains": `+domains+`, "ports": `+ports+`, "mounts": `+mounts+`}`), &app); err != nil {
		t.Fatal(err)
	}
	var compose dokploy.Compose
	if err := json.Unmarshal([]byte(`{"composeId": "C1", "appName": "mon-x", "domains": `+domains+`, "mounts": `+mounts+`}`), &compose); err != nil {
		t.Fatal(err)
	}

	// What the fingerprint hashed for a list of fields: ids cleared, then
	// canonical and dropUnset, as Fingerprint does with a service.
	asFields := func(list any, clear func(reflect.Value)) string {
		v := reflect.ValueOf(list)
		for i := 0; i < v.Len(); i++ {
			clear(v.Index(i).Elem())
		}
		b, _ := json.Marshal(dropUnset(canonical(v)))
		return string(b)
	}
	clearID := func(name string) func(reflect.Value) {
		return func(v reflect.Value) { v.FieldByName(name).SetString("") }
	}
	var oldDomains []*fieldDomain
	var oldPorts []*fieldPort
	var oldMounts []*fieldMount
	for _, x := range []struct {
		text string
		into any
	}{{domains, &oldDomains}, {ports, &oldPorts}, {mounts, &oldMounts}} {
		if err := json.Unmarshal([]byte(x.text), x.into); err != nil {
			t.Fatal(err)
		}
	}
	hashed := func(items dokploy.Items, kind, key string) string {
		list, ok := hashedItems(items, kind)[key]
		if !ok {
			return "absent"
		}
		b, _ := json.Marshal(dropUnset(list))
		return string(b)
	}
	for _, c := range []struct{ name, got, want string }{
		{"application ports", hashed(app.Items, KindApplication, "Ports"), asFields(oldPorts, clearID("PortID"))},
		{"application mounts", hashed(app.Items, KindApplication, "Mounts"), asFields(oldMounts, clearID("MountID"))},
		{"application domains", hashed(app.Items, KindApplication, "Domains"), "absent"},
		{"compose domains", hashed(compose.Items, KindCompose, "Domains"), asFields(oldDomains, clearID("DomainID"))},
		{"compose mounts", hashed(compose.Items, KindCompose, "Mounts"), asFields(oldMounts, clearID("MountID"))},
	} {
		if c.got != c.want {
			t.Errorf("%s hashed as\n%s\nwant\n%s", c.name, c.got, c.want)
		}
	}
	// And none of them is hashed a second time as a described item.
	if d := deployItems(app.Items, KindApplication); d != nil {
		t.Errorf("deployItems = %v, want none", d)
	}
}
