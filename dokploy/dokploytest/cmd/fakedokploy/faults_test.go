package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

func TestParseFault(t *testing.T) {
	tests := []struct {
		in   string
		want dokploytest.Fault
	}{
		{"503", dokploytest.Fault{Kind: dokploytest.FaultStatus, Status: 503}},
		{"503:rate=0.2", dokploytest.Fault{Kind: dokploytest.FaultStatus, Status: 503, Rate: 0.2}},
		{"429:after=5,count=3", dokploytest.Fault{Kind: dokploytest.FaultStatus, Status: 429, After: 5, Times: 3}},
		{"429:after=5,times=3", dokploytest.Fault{Kind: dokploytest.FaultStatus, Status: 429, After: 5, Times: 3}},
		{"status", dokploytest.Fault{Kind: dokploytest.FaultStatus}},
		{"status:status=502,method=get", dokploytest.Fault{Kind: dokploytest.FaultStatus, Status: 502, Method: "GET"}},
		{"reset:proc=application.deploy", dokploytest.Fault{Kind: dokploytest.FaultReset, Procs: []string{"application.deploy"}}},
		{"Reset: proc=a.b , proc=c.d", dokploytest.Fault{Kind: dokploytest.FaultReset, Procs: []string{"a.b", "c.d"}}},
		{"timeout:method=POST,times=1", dokploytest.Fault{Kind: dokploytest.FaultTimeout, Method: "POST", Times: 1}},
		{"unauthorized:after=100", dokploytest.Fault{Kind: dokploytest.FaultUnauthorized, After: 100}},
		{"fail-items", dokploytest.Fault{Kind: dokploytest.FaultFailItems}},
		{"fail-items:item=1,item=3,item=1,status=409", dokploytest.Fault{Kind: dokploytest.FaultFailItems, Items: []int{1, 3}, Status: 409}},
		{"fail-items:proc=project.one", dokploytest.Fault{Kind: dokploytest.FaultFailItems, Procs: []string{"project.one"}}},
		{"lose-answer", dokploytest.Fault{Kind: dokploytest.FaultLoseAnswer}},
		{"lost:proc=domain.create,count=1", dokploytest.Fault{Kind: dokploytest.FaultLoseAnswer, Procs: []string{"domain.create"}, Times: 1}},
		{"lost:rate=1", dokploytest.Fault{Kind: dokploytest.FaultLoseAnswer, Rate: 1}},
	}
	for _, tt := range tests {
		got, err := parseFault(tt.in)
		if err != nil {
			t.Errorf("parseFault(%q): %v", tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseFault(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

// TestParseFaultCoversEveryKind keeps -fault in step with dokploytest: a
// new FaultKind needs a name here.
func TestParseFaultCoversEveryKind(t *testing.T) {
	named := map[dokploytest.FaultKind]bool{}
	for _, k := range faultKinds {
		named[k] = true
	}
	for k := dokploytest.FaultKind(1); !strings.HasPrefix(k.String(), "FaultKind("); k++ {
		if !named[k] {
			t.Errorf("FaultKind %s has no -fault kind name", k)
		}
	}
	if len(named) < 6 {
		t.Errorf("%d kinds named, want at least the 6 of dokploytest", len(named))
	}
}

func TestParseFaultErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `kind: expected a status such as 503, status, reset, timeout, unauthorized, fail-items, lose-answer (or lost), found nothing before the first colon`},
		{"boom", `kind: expected a status such as 503, status, reset, timeout, unauthorized, fail-items, lose-answer (or lost), found "boom"`},
		{"600", `kind: expected an HTTP status from 100 to 599, found 600`},
		{"503:", `keys: expected KEY=VALUE pairs after the colon, found nothing`},
		{"503:rate", `keys: expected KEY=VALUE with a key among proc, method, item, after, times (or count), rate, status, found "rate"`},
		{"503:often=1", `keys: expected a key among proc, method, item, after, times (or count), rate, status, found "often"`},
		{"503:rate=0", `rate: expected a probability above 0 and at most 1, such as 0.2, found "0"`},
		{"503:rate=1.5", `rate: expected a probability above 0 and at most 1, such as 0.2, found "1.5"`},
		{"503:rate=x", `rate: expected a probability above 0 and at most 1, such as 0.2, found "x"`},
		{"429:after=-1", `after: expected a whole number of 0 or more, found "-1"`},
		{"429:times=two", `times: expected a whole number of 0 or more, found "two"`},
		{"429:count=1.5", `times: expected a whole number of 0 or more, found "1.5"`},
		{"429:times=1,count=2", `times: given twice; only proc and item repeat`},
		{"reset:method=PUT", `method: expected GET or POST, found "PUT"`},
		{"reset:proc=deploy", `proc: expected a procedure name such as application.deploy, found "deploy"`},
		{"reset:proc=", `proc: expected a procedure name such as application.deploy, found ""`},
		{"reset:status=500", `status: applies to status and fail-items faults only, found it on a reset fault`},
		{"lost:status=500", `status: applies to status and fail-items faults only, found it on a lose-answer fault`},
		{"status:status=99", `status: expected an HTTP status from 100 to 599, found "99"`},
		{"fail-items:status=200", `status: expected the status of a tRPC error from 400 to 599, such as 409, found "200"`},
		{"timeout:item=1", `item: applies to fail-items faults only, found it on a timeout fault`},
		{"fail-items:item=-2", `item: expected a whole number of 0 or more, found "-2"`},
	}
	for _, tt := range tests {
		_, err := parseFault(tt.in)
		if err == nil {
			t.Errorf("parseFault(%q): no error, want %q", tt.in, tt.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("parseFault(%q):\n got  %v\n want %s", tt.in, err, tt.want)
		}
	}
}

func TestBadFaultFlagExits2(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"-fault", "503:rate=2"}, `fakedokploy: invalid value "503:rate=2" for flag -fault: rate: expected a probability above 0 and at most 1, such as 0.2, found "2"`},
		{[]string{"-fault", "reset:proc=aplication.deploy", "--", "true"},
			`fakedokploy: invalid value "reset:proc=aplication.deploy" for flag -fault: proc: expected a procedure of the fake (such as application.deploy), found "aplication.deploy"`},
	} {
		var stderr strings.Builder
		code := run(context.Background(), tt.args, nil, io.Discard, &stderr)
		if code != 2 {
			t.Errorf("%v: exit code %d, want 2", tt.args, code)
		}
		if !strings.HasPrefix(stderr.String(), tt.want+"\n") {
			t.Errorf("%v: stderr\n%s\nwant it to start with\n%s", tt.args, stderr.String(), tt.want)
		}
		if strings.Contains(stderr.String(), "usage:") {
			t.Errorf("%v: a bad flag prints the whole usage:\n%s", tt.args, stderr.String())
		}
	}
}

func TestHelpDocumentsFaults(t *testing.T) {
	var stderr strings.Builder
	if code := run(context.Background(), []string{"-h"}, nil, io.Discard, &stderr); code != 0 {
		t.Fatalf("-h: exit code %d", code)
	}
	help := stderr.String()
	for _, want := range []string{"usage: fakedokploy", "-fault KIND[:KEY=VALUE,...]", "-seed",
		"unauthorized", "fail-items", "lose-answer", "timeout", "reset", "after=N", "times=N", "rate=P", "item=N", "proc=NAME",
		"-fault 503:rate=0.2", "-fault lost:proc=domain.create,times=1"} {
		if !strings.Contains(help, want) {
			t.Errorf("-h does not mention %q:\n%s", want, help)
		}
	}
	// Every example in the help parses.
	examples := 0
	for _, line := range strings.Split(help, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "-fault "); ok && !strings.HasPrefix(v, "KIND") {
			v, _, _ = strings.Cut(v, " ")
			examples++
			if _, err := parseFault(v); err != nil {
				t.Errorf("help example %q: %v", v, err)
			}
		}
	}
	if examples < 5 {
		t.Errorf("%d -fault examples in -h, want one per common fault", examples)
	}
}

// probe is the command run by TestFaultFlagsAreInjected: it sends the
// requests of FAKEDOKPLOY_PROBE ("GET proc" or "POST proc BODY", separated
// by ";") and prints one line per request: the status and body, or "error"
// (a dropped connection, or no answer within half a second).
func probe(script string) int {
	client := &http.Client{Timeout: 500 * time.Millisecond}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for _, step := range strings.Split(script, ";") {
		method, rest, _ := strings.Cut(step, " ")
		proc, body, _ := strings.Cut(rest, " ")
		req, _ := http.NewRequest(method, os.Getenv("DOKPLOY_URL")+"/api/"+proc, strings.NewReader(body))
		if method == "POST" {
			req.Header.Set("Content-Type", "application/json")
		}
		req.Header.Set("x-api-key", os.Getenv("DOKPLOY_API_KEY"))
		resp, err := client.Do(req)
		if err != nil {
			fmt.Fprintln(out, "error")
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Fprintf(out, "%d %s\n", resp.StatusCode, strings.TrimSpace(string(b)))
	}
	return 0
}

func TestFaultFlagsAreInjected(t *testing.T) {
	tests := []struct {
		name   string
		flags  []string
		script string
		want   []string // status (and body prefix) of each request
	}{
		{"429 after and times", []string{"-fault", "429:after=1,times=2"},
			"GET project.all;GET project.all;GET project.all;GET project.all",
			[]string{"200 []", "429 Too Many Requests", "429 Too Many Requests", "200 []"}},
		{"unauthorized after", []string{"-fault", "unauthorized:after=2"},
			"GET project.all;GET project.all;GET project.all",
			[]string{"200 []", "200 []", `401 {"message":"Unauthorized"}`}},
		{"lost answer of one proc", []string{"-fault", "lost:proc=project.create,count=1"},
			`GET project.all;POST project.create {"name":"p"};GET project.all`,
			[]string{"200 []", "error", `200 [{"projectId"`}},
		{"reset of a method", []string{"-fault", "reset:method=POST"},
			`POST project.create {"name":"p"};GET project.all`,
			[]string{"error", "200 []"}},
		{"timeout once", []string{"-fault", "timeout:times=1"},
			"GET project.all;GET project.all",
			[]string{"error", "200 []"}},
		{"failed item", []string{"-fault", "fail-items:proc=project.all,status=409"},
			"GET project.all",
			[]string{`409 {"message":"injected failure","code":"CONFLICT"`}},
		{"two faults in order", []string{"-fault", "503:times=1", "-fault", "502:times=1"},
			"GET project.all;GET project.all;GET project.all",
			[]string{"503 Service Unavailable", "502 Bad Gateway", "200 []"}},
		{"rate 1 with a seed", []string{"-seed", "7", "-fault", "500:rate=1,proc=project.one"},
			"GET project.all;GET project.one?projectId=x",
			[]string{"200 []", "500 Internal Server Error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("FAKEDOKPLOY_PROBE", tt.script)
			var stdout, stderr strings.Builder
			args := append(append(append([]string{}, tt.flags...), "-v", "--"), os.Args[0])
			if code := run(context.Background(), args, nil, &stdout, &stderr); code != 0 {
				t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
			}
			got := strings.Split(strings.TrimSpace(stdout.String()), "\n")
			if len(got) != len(tt.want) {
				t.Fatalf("answers\n%s\nwant %d of them; stderr:\n%s", stdout.String(), len(tt.want), stderr.String())
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("request %d: %q, want %q", i+1, got[i], tt.want[i])
				}
			}
			if !strings.Contains(stderr.String(), " fault: ") {
				t.Errorf("-v logs no fault:\n%s", stderr.String())
			}
		})
	}
}

// TestFaultRateFollowsSeed: the same -seed draws the same requests, another
// seed others.
func TestFaultRateFollowsSeed(t *testing.T) {
	t.Setenv("FAKEDOKPLOY_PROBE", strings.TrimSuffix(strings.Repeat("GET project.all;", 24), ";"))
	draw := func(seed string) string {
		var stdout, stderr strings.Builder
		if code := run(context.Background(), []string{"-seed", seed, "-fault", "503:rate=0.5", "--", os.Args[0]}, nil, &stdout, &stderr); code != 0 {
			t.Fatalf("exit code %d; stderr:\n%s", code, stderr.String())
		}
		var b strings.Builder
		for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
			b.WriteByte(map[bool]byte{true: 'x', false: '.'}[strings.HasPrefix(line, "503")])
		}
		return b.String()
	}
	first, again, other := draw("7"), draw("7"), draw("8")
	if first != again {
		t.Errorf("-seed 7 drew %s, then %s", first, again)
	}
	if first == other {
		t.Errorf("-seed 7 and -seed 8 drew the same faults %s", first)
	}
	if !strings.Contains(first, "x") || !strings.Contains(first, ".") {
		t.Errorf("rate=0.5 over 24 requests drew %s: all or none", first)
	}
}
