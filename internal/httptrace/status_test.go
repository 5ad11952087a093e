package httptrace

import (
	"testing"
)

func TestParseStatuses(t *testing.T) {
	for _, c := range []struct {
		in       string
		yes, not []int
		invalid  bool
	}{
		{in: "", invalid: true},
		{in: "500", yes: []int{500}, not: []int{501, 499}},
		{in: "400-404,500", yes: []int{400, 402, 404, 500}, not: []int{405, 399, 501}},
		{in: "0", yes: []int{0}, not: []int{200}},
		{in: "4xx", invalid: true},
		{in: "400-", invalid: true},
		{in: "1-2-3", invalid: true},
		{in: "500,", invalid: true},
	} {
		f := ParseStatuses(c.in)
		if (f == nil) != c.invalid {
			t.Errorf("%q: nil %v, want %v", c.in, f == nil, c.invalid)
			continue
		}
		for _, s := range c.yes {
			if !f(s) {
				t.Errorf("%q: %d not an error", c.in, s)
			}
		}
		for _, s := range c.not {
			if f(s) {
				t.Errorf("%q: %d an error", c.in, s)
			}
		}
	}
}

func TestStatusCheckFromEnv(t *testing.T) {
	t.Setenv(EnvServerErrorStatuses, "418")
	if f := StatusCheckFromEnv(EnvServerErrorStatuses, ServerError); !f(418) || f(500) {
		t.Error("DD_TRACE_HTTP_SERVER_ERROR_STATUSES=418 not read")
	}
	t.Setenv(EnvServerErrorStatuses, "bad")
	if f := StatusCheckFromEnv(EnvServerErrorStatuses, ServerError); f(418) || !f(500) {
		t.Error("a bad value does not give the default")
	}
}

func TestStatusStringAndError(t *testing.T) {
	for in, want := range map[int]string{200: "200", 599: "599", 99: "99", 600: "600", -1: "-1"} {
		if got := StatusString(in); got != want {
			t.Errorf("StatusString(%d) = %q", in, got)
		}
	}
	if got := StatusError(503).Error(); got != "503: Service Unavailable" {
		t.Errorf("StatusError(503) = %q", got)
	}
	if !ClientError(404) || ClientError(500) || !ServerError(500) || ServerError(404) {
		t.Error("default checks")
	}
}

// FuzzParseStatuses: any input gives nil or a check, and never panics.
func FuzzParseStatuses(f *testing.F) {
	for _, s := range []string{"", "500", "400-499,503", "-", ",", "1-2-3", "9999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if check := ParseStatuses(s); check != nil {
			check(500)
		}
	})
}

func TestLimits(t *testing.T) {
	for in, want := range map[string]string{"GET": "GET", "": "", "GE T": "_OTHER", "X-CUSTOM_1": "X-CUSTOM_1",
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ": "_OTHER"} {
		if got := Method(in); got != want {
			t.Errorf("Method(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"GET /a/{b}": "/a/{b}", "/x": "/x", "GET\t h.example/y": "h.example/y", "": ""} {
		if got := PatternRoute(in); got != want {
			t.Errorf("PatternRoute(%q) = %q, want %q", in, got, want)
		}
	}
	if got := PatternPath("GET h.example/y/{z}"); got != "/y/{z}" {
		t.Errorf("PatternPath = %q", got)
	}
	if got := Quantize("/users/42/profile/" + string(make([]byte, 40))); got != "/users/?/profile/?" {
		t.Errorf("Quantize = %q", got)
	}
	if got := Truncate("héllo", 2); got != "h" {
		t.Errorf("Truncate = %q", got)
	}
}
