package dogstatsd

import (
	"errors"
	"testing"
)

func TestResolve(t *testing.T) {
	tests := []struct {
		name      string
		addr      string
		env       map[string]string
		socket    bool // DefaultSocket exists
		network   string
		address   string
		wantError bool
	}{
		{name: "default", network: UDP, address: "localhost:8125"},
		{name: "default socket", socket: true, network: Unixgram, address: DefaultSocket},
		{name: "option host:port", addr: "10.0.0.1:9125", socket: true, network: UDP, address: "10.0.0.1:9125"},
		{name: "option host alone", addr: "statsd", network: UDP, address: "statsd:8125"},
		{name: "option ipv6", addr: "[::1]:9125", network: UDP, address: "[::1]:9125"},
		{name: "option ipv6 alone", addr: "[::1]", network: UDP, address: "[::1]:8125"},
		{name: "option :port", addr: ":9125", network: UDP, address: "localhost:9125"},
		{name: "option unix", addr: "unix:///run/dsd.sock", network: Unixgram, address: "/run/dsd.sock"},
		{name: "option unixgram", addr: "unixgram:///run/dsd.sock", network: Unixgram, address: "/run/dsd.sock"},
		{name: "option path", addr: "/run/dsd.sock", network: Unixgram, address: "/run/dsd.sock"},
		{name: "option udp url", addr: "udp://statsd:9125", network: UDP, address: "statsd:9125"},
		{name: "option wins over env", addr: "a:1", env: map[string]string{"DD_DOGSTATSD_URL": "udp://b:2"}, network: UDP, address: "a:1"},
		{name: "url unix", env: map[string]string{"DD_DOGSTATSD_URL": "unix:///x.sock", "DD_AGENT_HOST": "h"}, network: Unixgram, address: "/x.sock"},
		{name: "url udp", env: map[string]string{"DD_DOGSTATSD_URL": "udp://h:9"}, network: UDP, address: "h:9"},
		{name: "url udp no port", env: map[string]string{"DD_DOGSTATSD_URL": "udp://h"}, network: UDP, address: "h:8125"},
		{name: "url other scheme", env: map[string]string{"DD_DOGSTATSD_URL": "http://h:9"}, wantError: true},
		{name: "dogstatsd host", env: map[string]string{"DD_DOGSTATSD_HOST": "d", "DD_AGENT_HOST": "a"}, socket: true, network: UDP, address: "d:8125"},
		{name: "agent host", env: map[string]string{"DD_AGENT_HOST": "a"}, socket: true, network: UDP, address: "a:8125"},
		{name: "port alone", env: map[string]string{"DD_DOGSTATSD_PORT": "9"}, socket: true, network: UDP, address: "localhost:9"},
		{name: "host and port", env: map[string]string{"DD_AGENT_HOST": "a", "DD_DOGSTATSD_PORT": "9"}, network: UDP, address: "a:9"},
		{name: "bad port", env: map[string]string{"DD_DOGSTATSD_PORT": "x"}, wantError: true},
		{name: "port out of range", addr: "h:70000", wantError: true},
		{name: "unix without path", addr: "unix://", wantError: true},
		{name: "unknown scheme", addr: "tcp://h:1", wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			exists := func(p string) bool { return tt.socket && p == DefaultSocket }
			network, address, err := resolve(tt.addr, getenv, exists)
			if tt.wantError {
				if !errors.Is(err, errAddr) {
					t.Fatalf("resolve = %q %q, %v; want an address error", network, address, err)
				}
				return
			}
			if err != nil || network != tt.network || address != tt.address {
				t.Fatalf("resolve = %q %q, %v; want %q %q", network, address, err, tt.network, tt.address)
			}
		})
	}
}

func TestResolveReadsTheEnvironment(t *testing.T) {
	t.Setenv("DD_DOGSTATSD_URL", "")
	t.Setenv("DD_DOGSTATSD_HOST", "")
	t.Setenv("DD_AGENT_HOST", "agent")
	t.Setenv("DD_DOGSTATSD_PORT", "9125")
	if n, a, err := Resolve(""); err != nil || n != UDP || a != "agent:9125" {
		t.Fatalf("Resolve = %q %q, %v", n, a, err)
	}
}

func FuzzResolve(f *testing.F) {
	for _, s := range []string{"", "h:1", "unix:///x", "udp://h", "[::1]", "/p", "a:b:c", "udp://%zz", ":0"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, addr, url string) {
		getenv := func(k string) string {
			if k == "DD_DOGSTATSD_URL" {
				return url
			}
			return ""
		}
		network, address, err := resolve(addr, getenv, func(string) bool { return false })
		if err == nil && (network != UDP && network != Unixgram || address == "") {
			t.Fatalf("resolve(%q) = %q %q without an error", addr, network, address)
		}
	})
}
