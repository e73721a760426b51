package dokploy

import (
	"net/url"
	"strconv"
	"testing"
)

// The chunk's cost of a query counts its item prefix and input as the URL
// escapes them.
func TestEscapedLen(t *testing.T) {
	for _, s := range []string{"", `{"json":{"applicationId":"a-b_c.d~e f"}}`, "é/?&=%+", `"12":{"json":`} {
		if got, want := escapedLen(s), len(url.QueryEscape(s)); got != want {
			t.Errorf("escapedLen(%q) = %d, want %d", s, got, want)
		}
		if got, want := escapedLen([]byte(s)), len(url.QueryEscape(s)); got != want {
			t.Errorf("escapedLen([]byte(%q)) = %d, want %d", s, got, want)
		}
	}
	for _, i := range []int{0, 7, 9, 10, 99, 100, 12345} {
		if got, want := decimalLen(i), len(strconv.Itoa(i)); got != want {
			t.Errorf("decimalLen(%d) = %d, want %d", i, got, want)
		}
	}
}
