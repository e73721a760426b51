package spec

import (
	"math/big"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

func TestParseMemory(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Memory
		err  string
	}{
		{in: "512Mi", want: 512 << 20},
		{in: "1Gi", want: 1 << 30},
		{in: "1.5Gi", want: 3 << 29},
		{in: "256M", want: 256e6},
		{in: "100k", want: 1e5},
		{in: "100K", want: 1e5},
		{in: "2G", want: 2e9},
		{in: "1T", want: 1e12},
		{in: "1Ti", want: 1 << 40},
		{in: "64Ki", want: 64 << 10},
		{in: "1024", want: 1024},
		{in: ".5Ki", want: 512},
		{in: "0.5k", want: 500},
		{in: "1.0005k", err: "not a whole number of bytes"},
		{in: "512m", err: "suffixes are Ki"},
		{in: "1GB", err: "suffixes are Ki"},
		{in: "lots", err: `got "lots"`},
		{in: "", err: `got ""`},
		{in: "-1Gi", err: `got "-1Gi"`},
		{in: "1 Gi", err: `got "1 Gi"`},
		{in: "99999999999Ti", err: "too large"},
	} {
		got, err := ParseMemory(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParseMemory(%q) = %v, %v; want error with %q", tc.in, got, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("ParseMemory(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestParseCPU(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want CPU
		err  string
	}{
		{in: "0.5", want: 5e8},
		{in: "2", want: 2e9},
		{in: "500m", want: 5e8},
		{in: "1.5m", want: 15e5},
		{in: "0.000000001", want: 1},
		{in: ".25", want: 25e7},
		{in: "0.0000000001", err: "not a whole number of nano-CPUs"},
		{in: "2 cpus", err: `got "2 cpus"`},
		{in: "500M", err: `got "500M"`},
		{in: "1e3", err: `got "1e3"`},
	} {
		got, err := ParseCPU(tc.in)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("ParseCPU(%q) = %v, %v; want error with %q", tc.in, got, err, tc.err)
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("ParseCPU(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestUnitStrings(t *testing.T) {
	for m, want := range map[Memory]string{
		512 << 20:     "512Mi",
		1 << 30:       "1Gi",
		3 << 29:       "1536Mi",
		256e6:         "256M",
		1000:          "1k",
		1024:          "1Ki",
		12345:         "12345",
		0:             "0",
		-5:            "-5",
		1536 << 30:    "1536Gi",
		1099511627776: "1Ti",
	} {
		if got := m.String(); got != want {
			t.Errorf("Memory(%d).String() = %q, want %q", int64(m), got, want)
		}
		if m > 0 {
			if back, err := ParseMemory(m.String()); err != nil || back != m {
				t.Errorf("ParseMemory(%q) = %d, %v; want %d", m.String(), back, err, m)
			}
		}
	}
	for c, want := range map[CPU]string{5e8: "0.5", 2e9: "2", 25e7: "0.25", 1: "0.000000001", 1500000000: "1.5", 0: "0", -5e8: "-0.5"} {
		if got := c.String(); got != want {
			t.Errorf("CPU(%d).String() = %q, want %q", int64(c), got, want)
		}
	}
}

// TestUnitsInYAML: integers are bytes / CPUs; 512Mi and 536870912 are the
// same value.
func TestUnitsInYAML(t *testing.T) {
	src := `
apiVersion: dokploy-sync/v1
projects:
  shop:
    environments:
      production:
        applications:
          a: {resources: {memoryLimit: 536870912, memoryReservation: 512Mi, cpuLimit: 2, cpuReservation: "1.5"}}
          b: {resources: {memoryLimit: "1Gi", cpuLimit: 0.5, cpuReservation: 500m}}
`
	f, ds := loadString(t, src)
	if len(ds) != 0 {
		t.Fatalf("diagnostics: %s", ds)
	}
	apps := f.Projects["shop"].Environments["production"].Applications
	a, b := apps["a"].Resources, apps["b"].Resources
	if *a.MemoryLimit != *a.MemoryReservation || *a.CPULimit != 2e9 || *a.CPUReservation != 15e8 {
		t.Errorf("a = %v %v %v %v", *a.MemoryLimit, *a.MemoryReservation, *a.CPULimit, *a.CPUReservation)
	}
	if *b.MemoryLimit != 1<<30 || *b.CPULimit != *b.CPUReservation {
		t.Errorf("b = %v %v %v", *b.MemoryLimit, *b.CPULimit, *b.CPUReservation)
	}
}

// TestUnitsWithGoccy: Memory and CPU also decode and encode through
// goccy/go-yaml directly, for other packages (export) that use it.
func TestUnitsWithGoccy(t *testing.T) {
	var r struct {
		M Memory  `yaml:"m"`
		C CPU     `yaml:"c"`
		P *Memory `yaml:"p"`
	}
	if err := yaml.Unmarshal([]byte("m: 1.5Gi\nc: 250m\np: 1024\n"), &r); err != nil {
		t.Fatal(err)
	}
	if r.M != 3<<29 || r.C != 25e7 || *r.P != 1024 {
		t.Errorf("decoded %+v", r)
	}
	out, err := yaml.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "m: 1536Mi\nc: 0.25\np: 1Ki\n" {
		t.Errorf("encoded %q", out)
	}
	if err := yaml.Unmarshal([]byte("m: lots\n"), &r); err == nil || !strings.Contains(err.Error(), `must be a size like 512Mi or 1Gi, got "lots"`) {
		t.Errorf("error = %v", err)
	}
}

// splitQuantity splits as quantityRE does, and scaleFast, when it answers,
// answers what scaleExact does.
func TestQuantityFastPathIsExact(t *testing.T) {
	inputs := []string{"", ".", "5", "5.", ".5", "0.5", "1.5Gi", "512Mi", "500m", "250m", "0.25", "1e3", "1.2.3", "-1", "+1", " 1", "1 ",
		"12ab", "1Ki", "1KiB", "1k", "1@", "1[", "1`", "1{", "007", "0.0000001", "0.000000001", "0.0000000001", "9223372036854775807",
		"9223372036", "9223372036.854775807", "999999999999999999", "1000000000000000000", "123456789012345678.9", "8796093022207Ki",
		"8796093022208Ki", "8388607Ti", "8388608Ti", "1.0000000000000000001", "3.14159", "2.5m", "0.0005Gi", "1ü"}
	mults := []int64{1, 1e3, 1e6, 1e9, 1e12, 1 << 10, 1 << 20, 1 << 30, 1 << 40}
	for _, s := range inputs {
		m := quantityRE.FindStringSubmatch(s)
		num, suffix, ok := splitQuantity(s)
		if ok != (m != nil) || ok && (num != m[1] || suffix != m[2]) {
			t.Errorf("splitQuantity(%q) = %q, %q, %v; the regexp says %q", s, num, suffix, ok, m)
		}
		if !ok {
			continue
		}
		for _, mult := range mults {
			want, err := scaleExact(num, big.NewRat(mult, 1), "bytes")
			if got, ok := scaleFast(num, mult); ok && (err != nil || got != want) {
				t.Errorf("scaleFast(%q, %d) = %d; scaleExact says %d, %v", num, mult, got, want, err)
			}
		}
	}
	// The fast path answers the common values.
	for _, s := range []string{"512Mi", "1.5Gi", "100k"} {
		num, suffix, _ := splitQuantity(s)
		if _, ok := scaleFast(num, memorySuffixes[suffix]); !ok {
			t.Errorf("scaleFast does not answer %q", s)
		}
	}
}
