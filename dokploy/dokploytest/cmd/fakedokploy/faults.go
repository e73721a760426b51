package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dokploy-sync/dokploy-sync/dokploy/dokploytest"
)

// The -fault flag: KIND[:KEY=VALUE,...], one dokploytest.Fault per flag.
// The kinds are named after the FaultKind constants, the keys after the
// Fault fields (proc and item are the singular of Procs and Items, and
// repeat to give several).

// faultKinds maps the kind names of -fault to the FaultKind they select.
var faultKinds = map[string]dokploytest.FaultKind{
	"status":       dokploytest.FaultStatus,
	"reset":        dokploytest.FaultReset,
	"timeout":      dokploytest.FaultTimeout,
	"unauthorized": dokploytest.FaultUnauthorized,
	"fail-items":   dokploytest.FaultFailItems,
	"lose-answer":  dokploytest.FaultLoseAnswer,
	"lost":         dokploytest.FaultLoseAnswer, // short for lose-answer
}

// faultKindNames lists the kinds in the order the help gives them.
const faultKindNames = "a status such as 503, status, reset, timeout, unauthorized, fail-items, lose-answer (or lost)"

const faultKeyNames = "proc, method, item, after, times (or count), rate, status"

// faultHelp documents -fault in -h.
const faultHelp = `fault injection: -fault KIND[:KEY=VALUE,...] (repeatable)
  Each -fault is tried in order for every request; the first that fires is
  injected. Faults fire before the request runs, except lose-answer.

  kinds:
    500, 502, 503, 429, ...  answer this status with a plain-text body, as a
                             proxy in front of Dokploy would; nothing runs
    status                   the same, with the status of status= (default 503)
    reset                    close the connection without an answer; nothing runs
    timeout                  hold the request, not run, until the client gives up
    unauthorized             answer 401 like Dokploy for a key that has become
                             invalid, expired or rate-limited
    fail-items               fail calls of a request (items of a tRPC batch, or
                             the one call of a REST request) with a tRPC error of
                             status= (default 500); the other calls run
    lose-answer, lost        run the request, then close the connection: the
                             change is made but the client cannot know it

  keys (all optional; repeat proc and item for several):
    proc=NAME       only requests carrying this procedure, e.g. domain.create;
                    with fail-items and no item=, the calls that fail
    method=GET|POST only requests of this method (queries GET, mutations POST)
    item=N          fail-items: the call at position N of the request (0 first)
    after=N         let N matching requests through before the fault starts
    times=N         inject into N requests, then stop (count=N is the same;
                    0, the default, is no limit)
    rate=P          inject into a matching request with probability P
                    (0 < P <= 1), drawn from a generator seeded by -seed
    status=N        the status of status (100-599) and of fail-items (400-599:
                    400 BAD_REQUEST, 404 NOT_FOUND, 409 CONFLICT, 429, ...)

  examples:
    -fault 503:rate=0.2                     a request in five gets 503 (-seed 7
                                            gives another reproducible draw)
    -fault 429:after=5,times=3              requests 6 to 8 get 429
    -fault reset:proc=application.deploy    every application.deploy is reset
    -fault lost:proc=domain.create,times=1  the first domain.create is made, and
                                            its answer lost
    -fault unauthorized:after=100           the key stops working after 100
                                            requests
    -fault fail-items:item=1,status=409     the second call of every batch
                                            fails with CONFLICT
`

// faultFlags is the value of the repeatable -fault flag: the faults and
// the values they were read from.
type faultFlags struct {
	faults []dokploytest.Fault
	values []string
}

func (f *faultFlags) String() string {
	if f == nil {
		return ""
	}
	return strings.Join(f.values, " ")
}

func (f *faultFlags) Set(v string) error {
	fault, err := parseFault(v)
	if err != nil {
		return err
	}
	f.faults = append(f.faults, fault)
	f.values = append(f.values, v)
	return nil
}

// parseFault reads one -fault value, KIND[:KEY=VALUE,...].
func parseFault(v string) (dokploytest.Fault, error) {
	var f dokploytest.Fault
	kindName, rest, hasKeys := strings.Cut(v, ":")
	kindName = strings.ToLower(strings.TrimSpace(kindName))
	if n, err := strconv.Atoi(kindName); err == nil {
		if n < 100 || n > 599 {
			return f, fmt.Errorf("kind: expected an HTTP status from 100 to 599, found %d", n)
		}
		f.Kind, f.Status = dokploytest.FaultStatus, n
	} else if k, ok := faultKinds[kindName]; ok {
		f.Kind = k
	} else {
		if kindName == "" {
			return f, fmt.Errorf("kind: expected %s, found nothing before the first colon", faultKindNames)
		}
		return f, fmt.Errorf("kind: expected %s, found %q", faultKindNames, kindName)
	}
	if !hasKeys {
		return f, nil
	}
	if strings.TrimSpace(rest) == "" {
		return f, fmt.Errorf("keys: expected KEY=VALUE pairs after the colon, found nothing (drop the colon or add e.g. times=1)")
	}
	seen := map[string]bool{}
	for _, pair := range strings.Split(rest, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(pair), "=")
		key = strings.ToLower(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		if !ok || key == "" {
			return f, fmt.Errorf("keys: expected KEY=VALUE with a key among %s, found %q", faultKeyNames, pair)
		}
		if key == "count" {
			key = "times"
		}
		if seen[key] && key != "proc" && key != "item" {
			return f, fmt.Errorf("%s: given twice; only proc and item repeat", key)
		}
		seen[key] = true
		if err := setFaultKey(&f, key, val); err != nil {
			return f, err
		}
	}
	return f, nil
}

// setFaultKey sets the Fault field that key names.
func setFaultKey(f *dokploytest.Fault, key, val string) error {
	switch key {
	case "proc":
		if val == "" || strings.ContainsAny(val, " /") || !strings.Contains(val, ".") {
			return fmt.Errorf("proc: expected a procedure name such as application.deploy, found %q", val)
		}
		f.Procs = append(f.Procs, val)
	case "method":
		m := strings.ToUpper(val)
		if m != "GET" && m != "POST" {
			return fmt.Errorf("method: expected GET or POST, found %q", val)
		}
		f.Method = m
	case "item":
		if f.Kind != dokploytest.FaultFailItems {
			return fmt.Errorf("item: applies to fail-items faults only, found it on a %s fault", kindName(f.Kind))
		}
		n, err := nonNegative(key, val)
		if err != nil {
			return err
		}
		if !slices.Contains(f.Items, n) {
			f.Items = append(f.Items, n)
		}
	case "after":
		n, err := nonNegative(key, val)
		if err != nil {
			return err
		}
		f.After = n
	case "times":
		n, err := nonNegative(key, val)
		if err != nil {
			return err
		}
		f.Times = n
	case "rate":
		p, err := strconv.ParseFloat(val, 64)
		if err != nil || p <= 0 || p > 1 {
			return fmt.Errorf("rate: expected a probability above 0 and at most 1, such as 0.2, found %q", val)
		}
		f.Rate = p
	case "status":
		n, err := strconv.Atoi(val)
		switch {
		case f.Kind == dokploytest.FaultStatus:
			if err != nil || n < 100 || n > 599 {
				return fmt.Errorf("status: expected an HTTP status from 100 to 599, found %q", val)
			}
		case f.Kind == dokploytest.FaultFailItems:
			if err != nil || n < 400 || n > 599 {
				return fmt.Errorf("status: expected the status of a tRPC error from 400 to 599, such as 409, found %q", val)
			}
		default:
			return fmt.Errorf("status: applies to status and fail-items faults only, found it on a %s fault", kindName(f.Kind))
		}
		f.Status = n
	default:
		return fmt.Errorf("keys: expected a key among %s, found %q", faultKeyNames, key)
	}
	return nil
}

func nonNegative(key, val string) (int, error) {
	n, err := strconv.Atoi(val)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s: expected a whole number of 0 or more, found %q", key, val)
	}
	return n, nil
}

// kindName is the -fault name of a kind.
func kindName(k dokploytest.FaultKind) string {
	for name, v := range faultKinds {
		if v == k && name != "lost" {
			return name
		}
	}
	return k.String()
}

// checkFaultProcs reports a proc= that names no procedure of the fake: a
// typo would make the fault never fire.
func (f *faultFlags) checkProcs(known []string) error {
	for i, fault := range f.faults {
		for _, p := range fault.Procs {
			if _, found := slices.BinarySearch(known, p); !found {
				return fmt.Errorf("invalid value %q for flag -fault: proc: expected a procedure of the fake (such as application.deploy), found %q", f.values[i], p)
			}
		}
	}
	return nil
}
