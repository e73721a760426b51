package dokploy

import (
	"net/http"
	"testing"
	"time"
)

func TestBackoffIsFullJitterUnderTheCap(t *testing.T) {
	r := Retry{}.withDefaults()
	if r.Attempts != 4 || r.Base != 200*time.Millisecond || r.Cap != 3*time.Second {
		t.Fatalf("defaults %+v", r)
	}
	for n := 1; n <= 40; n++ {
		limit := min(r.Cap, r.Base<<min(n-1, 20))
		var longest time.Duration
		for range 200 {
			d := r.backoff(n, 0)
			if d < 0 || d > limit {
				t.Fatalf("retry %d: wait %s outside [0, %s]", n, d, limit)
			}
			longest = max(longest, d)
		}
		if longest < limit/4 { // 200 uniform draws all in the first quarter: (1/4)^200
			t.Errorf("retry %d: waits up to %s, want them spread over [0, %s]", n, longest, limit)
		}
	}
	if d := r.backoff(1, 2*time.Second); d != 2*time.Second {
		t.Errorf("Retry-After 2s: waited %s", d)
	}
	if d := r.backoff(1, time.Hour); d != r.Cap {
		t.Errorf("Retry-After 1h: waited %s, want the cap", d)
	}
}

func TestParseRetryAfter(t *testing.T) {
	for v, want := range map[string]time.Duration{"": 0, "5": 5 * time.Second, "-3": 0, "soon": 0} {
		if got := parseRetryAfter(v); got != want {
			t.Errorf("%q: %s, want %s", v, got, want)
		}
	}
	if d := parseRetryAfter(time.Now().Add(time.Minute).UTC().Format(http.TimeFormat)); d <= 0 || d > time.Minute {
		t.Errorf("HTTP date: %s", d)
	}
}
