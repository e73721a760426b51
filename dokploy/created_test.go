package dokploy

import (
	"encoding/json"
	"testing"
)

func TestCreatedReadsIDAndAppName(t *testing.T) {
	for _, c := range []struct {
		in          string
		id, appName string
	}{
		{`{"applicationId":"a1","name":"web","appName":"app-web-x1","env":null,"domains":[{"applicationId":"nested"}]}`, "a1", "app-web-x1"},
		{`{"name":"web","applicationId":"a\u00e91","appName":"app\"q"}`, "aé1", `app"q`},
		{`{"\u0061pplicationId":"escaped-key","appName":"x"}`, "escaped-key", "x"},
		{`{"postgresId":"p1"}`, "", ""},
		{`true`, "", ""},
		{`null`, "", ""},
	} {
		got := &Created{IDKey: "applicationId"}
		if err := json.Unmarshal([]byte(c.in), got); err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if got.ID != c.id || got.AppName != c.appName {
			t.Errorf("%s: id %q appName %q, want %q %q", c.in, got.ID, got.AppName, c.id, c.appName)
		}
	}
}
