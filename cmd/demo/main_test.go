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
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the demo's output lacks %q:\n%s", want, text)
		}
	}
	if n := strings.Count(text, "trace "); n != 2 {
		t.Errorf("%d traces printed, want 2", n)
	}
	if !strings.Contains(errOut.String(), "18 started, 18 exported, 0 dropped") {
		t.Errorf("stats line: %s", errOut.String())
	}
}

func TestDemoJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run(&out, &errOut, true); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 18 {
		t.Fatalf("%d JSON lines, want one per span (18)", len(lines))
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
