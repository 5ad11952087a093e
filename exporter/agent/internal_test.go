package agent

import (
	"net"
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	dir := t.TempDir()
	sock := dir + "/apm.socket"
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()

	cases := []struct {
		name       string
		option     string
		env        map[string]string
		socket     string // the default socket's path for the case
		wantBase   string
		wantSocket string
		wantErr    bool
	}{
		{"default", "", nil, dir + "/none", "http://localhost:8126", "", false},
		{"default socket exists", "", nil, sock, "http://localhost", sock, false},
		{"host and port", "", map[string]string{"DD_AGENT_HOST": "agent", "DD_TRACE_AGENT_PORT": "9000"}, sock, "http://agent:9000", "", false},
		{"host only", "", map[string]string{"DD_AGENT_HOST": "agent"}, sock, "http://agent:8126", "", false},
		{"port only", "", map[string]string{"DD_TRACE_AGENT_PORT": "9000"}, sock, "http://localhost:9000", "", false},
		{"IPv6 host", "", map[string]string{"DD_AGENT_HOST": "::1"}, sock, "http://[::1]:8126", "", false},
		{"URL beats host", "", map[string]string{"DD_TRACE_AGENT_URL": "https://a:1", "DD_AGENT_HOST": "b"}, sock, "https://a:1", "", false},
		{"unix URL", "", map[string]string{"DD_TRACE_AGENT_URL": "unix:///run/x.sock"}, sock, "http://localhost", "/run/x.sock", false},
		{"option beats all", "http://opt:2", map[string]string{"DD_TRACE_AGENT_URL": "http://env:1"}, sock, "http://opt:2", "", false},
		{"bad scheme", "ftp://x", nil, sock, "", "", true},
		{"no host", "http://", nil, sock, "", "", true},
		{"no socket path", "unix://", nil, sock, "", "", true},
		{"unparsable", "http://a b:%%", nil, sock, "", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, k := range []string{"DD_TRACE_AGENT_URL", "DD_AGENT_HOST", "DD_TRACE_AGENT_PORT"} {
				t.Setenv(k, c.env[k])
			}
			old := defaultSocket
			defaultSocket = c.socket
			defer func() { defaultSocket = old }()
			ep, err := resolve(c.option)
			if (err != nil) != c.wantErr {
				t.Fatalf("err = %v", err)
			}
			if ep.base != c.wantBase || ep.socket != c.wantSocket {
				t.Errorf("got %+v", ep)
			}
		})
	}
}

func TestParseContainerID(t *testing.T) {
	cases := map[string]string{
		"13:name=systemd:/docker/3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860":                                                                 "3726184226f5d3147c25fdeab5b60097e378e8a720503a5e19ecfdf29f869860",
		"1:cpu:/kubepods/besteffort/pod3d274242-8ee0-11e9-a8a6-1e68d864ef1a/cri-containerd-3e74d3fd9db4c9dd921ae05c2502fb984d0cde1b36e581b13f79c639da4518a1.scope": "3e74d3fd9db4c9dd921ae05c2502fb984d0cde1b36e581b13f79c639da4518a1",
		"1:name=systemd:/ecs/34dc0b5e626f2c5c4c5170e34b10e765-1234567890":                                                                                          "34dc0b5e626f2c5c4c5170e34b10e765-1234567890",
		"1:name=systemd:/uuid/34dc0b5e-626f-2c5c-4c51-70e34b10e765":                                                                                                "34dc0b5e-626f-2c5c-4c51-70e34b10e765",
		"0::/":                   "",
		"0::/user.slice/session": "",
		"garbage":                "",
		"":                       "",
	}
	for in, want := range cases {
		if got := parseContainerID(strings.NewReader(in)); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestUUID(t *testing.T) {
	a, b := newUUID(), newUUID()
	if a == b || len(a) != 36 || a[14] != '4' || strings.Count(a, "-") != 4 {
		t.Errorf("%s %s", a, b)
	}
}
