package dokploy

import (
	"encoding/json"
	"testing"
)

// TestItemsRead: a service's .one answer gives the items of the described
// kinds by kind; a database's data volume is left out when read, and is
// none of anything downstream.
func TestItemsRead(t *testing.T) {
	var app Application
	if err := json.Unmarshal([]byte(`{"applicationId": "A1", "appName": "api-x",
		"domains": [{"domainId": "d1", "host": "a.example.com"}], "ports": [], "mounts": [{"mountId": "m1", "type": "volume", "volumeName": "api-x-data"}]}`), &app); err != nil {
		t.Fatal(err)
	}
	if len(app.Items["domain"]) != 1 || app.Items["domain"][0].ID("domainId") != "d1" || app.Items["port"] == nil || len(app.Items["mount"]) != 1 {
		t.Errorf("application items = %v", app.Items)
	}
	db := Database{Kind: "postgres"}
	if err := json.Unmarshal([]byte(`{"postgresId": "P1", "appName": "db-x", "mounts": [
		{"mountId": "m1", "type": "volume", "volumeName": "db-x-data", "mountPath": "/var/lib/postgresql/data"},
		{"mountId": "m2", "type": "volume", "volumeName": "other", "mountPath": "/o"}]}`), &db); err != nil {
		t.Fatal(err)
	}
	if m := db.Items["mount"]; len(m) != 1 || m[0].ID("mountId") != "m2" {
		t.Errorf("database mounts = %v, want m2 only", m)
	}
}
