package grpc

import (
	"net"
	"strconv"
	"testing"
)

// peerTagsOf gives what splitting addr.String() gives, as dd-trace-go
// does, whether it takes the cached path or not.
func TestPeerTagsOfMatchesSplitHostPort(t *testing.T) {
	for _, addr := range []net.Addr{
		&net.TCPAddr{IP: net.IPv4(10, 1, 2, 3), Port: 443},
		&net.TCPAddr{IP: net.ParseIP("::1"), Port: 8080},
		&net.TCPAddr{IP: net.ParseIP("fe80::1"), Port: 1, Zone: "eth0"},
		&net.TCPAddr{Port: 9000},
		&net.TCPAddr{IP: net.IPv4(1, 2, 3, 4), Port: 70000},
		&net.TCPAddr{IP: net.IP{1, 2, 3}, Port: 5},
		&net.UDPAddr{IP: net.IPv4(5, 6, 7, 8), Port: 53},
		&net.UnixAddr{Name: "/tmp/sock", Net: "unix"},
	} {
		got, ok := peerTagsOf(addr)
		host, port, err := net.SplitHostPort(addr.String())
		if ok != (err == nil) {
			t.Errorf("%v: ok %v, SplitHostPort error %v", addr, ok, err)
			continue
		}
		if !ok {
			continue
		}
		var wantHost any
		if host != "" {
			wantHost = host
		}
		if got.host != wantHost || got.port != port {
			t.Errorf("%v: host %v port %v, want %v %v", addr, got.host, got.port, wantHost, port)
		}
	}
	if _, ok := peerTagsOf(nil); ok {
		t.Errorf("nil address: ok")
	}
	var nilTCP *net.TCPAddr
	if _, ok := peerTagsOf(nilTCP); ok {
		t.Errorf("nil *net.TCPAddr: ok")
	}
}

// The caches stop growing at maxCached entries and keep answering.
func TestCacheIsBounded(t *testing.T) {
	c := &cache[int, string]{make: strconv.Itoa}
	for i := range maxCached + 100 {
		if got := c.get(i); got != strconv.Itoa(i) {
			t.Fatalf("get(%d) = %q", i, got)
		}
	}
	n := 0
	c.m.Range(func(any, any) bool { n++; return true })
	if n != maxCached || c.n.Load() != maxCached {
		t.Errorf("%d entries (counted %d), want %d", n, c.n.Load(), maxCached)
	}
	if got := c.get(maxCached + 50); got != strconv.Itoa(maxCached+50) {
		t.Errorf("uncached get = %q", got)
	}
}
