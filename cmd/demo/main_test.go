package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestDemoTree(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(&out, &errOut, false); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{
		"checkout.process",
		"│  ├─ postgres.query", // a third level
		"smtp: connection refused",
		"panic: assignment to entry in nil map",
		"inventory.reserve", "fraud.check", // the two goroutines
		"http.request POST /stock/{order} [inventory]", // the server span
		"└─ stock.reserve",
		`level=INFO msg="stock reserved" order=1042 dd.trace_id=`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the demo's output lacks %q:\n%s", want, text)
		}
	}
	// The client span sits under inventory.reserve, which is the first or
	// the last child of payment.charge depending on which goroutine starts
	// first.
	if !strings.Contains(text, "│  │  └─ http.request") && !strings.Contains(text, "│     └─ http.request") {
		t.Errorf("no client span under inventory.reserve:\n%s", text)
	}
	// Each order's trace is printed in two chunks: the shop's and the
	// inventory's, which continues it after the HTTP call.
	if n := strings.Count(text, "\ntrace "); n != 4 {
		t.Errorf("%d trace chunks printed, want 4", n)
	}
	checkLogsJoined(t, text)
	if !strings.Contains(errOut.String(), "24 started, 24 exported, 0 dropped") {
		t.Errorf("stats line: %s", errOut.String())
	}
}

func TestDemoJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(&out, &errOut, true); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 24 {
		t.Fatalf("%d JSON lines, want one per span (24)", len(lines))
	}
	errors := 0
	for _, l := range lines {
		var span struct {
			Name  string `json:"name"`
			Error bool   `json:"error"`
		}
		if err := json.Unmarshal([]byte(l), &span); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		if span.Error {
			errors++
		}
	}
	if errors != 2 {
		t.Errorf("%d error spans, want the failed e-mail and the panic", errors)
	}
}

// checkLogsJoined checks that each log line's dd.trace_id is the id of a
// trace printed, and that the inventory's line names the inventory service.
func checkLogsJoined(t *testing.T, text string) {
	t.Helper()
	logs := 0
	for _, line := range strings.Split(text, "\n") {
		if !strings.HasPrefix(line, "level=INFO") {
			continue
		}
		logs++
		_, rest, ok := strings.Cut(line, "dd.trace_id=")
		if !ok {
			t.Errorf("log line without dd.trace_id: %s", line)
			continue
		}
		id, _, _ := strings.Cut(rest, " ")
		if !strings.Contains(text, "trace "+id+" ·") {
			t.Errorf("log line's trace %s was not printed: %s", id, line)
		}
		if strings.Contains(line, "stock reserved") && !strings.Contains(line, "dd.service=inventory") {
			t.Errorf("inventory's log line not joined to its service: %s", line)
		}
	}
	if logs != 4 {
		t.Errorf("%d log lines, want 4", logs)
	}
}
