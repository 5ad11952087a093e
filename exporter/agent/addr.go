package agent

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/ctxtrace/trace/internal/env"
)

// defaultSocket is where the Agent listens when it is set up for Unix
// domain sockets.
var defaultSocket = "/var/run/datadog/apm.socket"

// endpoint is where payloads go: a base URL for requests, and the socket to
// dial when the Agent is reached over a Unix domain socket.
type endpoint struct {
	base   string // scheme://host[:port], no trailing slash
	socket string // non-empty for unix://
}

// resolve finds the Agent's address: the option, then DD_TRACE_AGENT_URL,
// then DD_AGENT_HOST and DD_TRACE_AGENT_PORT, then the default socket if it
// exists, then localhost:8126.
func resolve(option string) (endpoint, error) {
	if option != "" {
		return parseURL(option)
	}
	if u := env.String("DD_TRACE_AGENT_URL", ""); u != "" {
		return parseURL(u)
	}
	host := env.String("DD_AGENT_HOST", "")
	port := env.String("DD_TRACE_AGENT_PORT", "")
	if host == "" && port == "" {
		if fi, err := os.Stat(defaultSocket); err == nil && fi.Mode()&os.ModeSocket != 0 {
			return endpoint{base: "http://localhost", socket: defaultSocket}, nil
		}
	}
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = "8126"
	}
	return endpoint{base: "http://" + net.JoinHostPort(host, port)}, nil
}

func parseURL(raw string) (endpoint, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return endpoint{}, fmt.Errorf("agent: invalid address %q: %w", raw, err)
	}
	switch u.Scheme {
	case "unix":
		path := u.Path
		if path == "" {
			path = u.Opaque
		}
		if path == "" {
			return endpoint{}, fmt.Errorf("agent: %q names no socket", raw)
		}
		return endpoint{base: "http://localhost", socket: path}, nil
	case "http", "https":
		if u.Host == "" {
			return endpoint{}, fmt.Errorf("agent: %q names no host", raw)
		}
		return endpoint{base: u.Scheme + "://" + u.Host}, nil
	}
	return endpoint{}, fmt.Errorf("agent: address %q: the scheme must be http, https or unix", raw)
}

// client returns the HTTP client for ep: the given one, or a new one that
// keeps a connection per concurrent sender and dials the socket for unix.
func (ep endpoint) client(given *http.Client, concurrency int) *http.Client {
	if given != nil {
		return given
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = concurrency + 1
	t.Proxy = nil // the Agent is local; a proxy from the environment is not meant for it
	var d net.Dialer
	t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		if ep.socket != "" {
			network, addr = "unix", ep.socket
		}
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		bigSendBuffer(c)
		return c, nil
	}
	return &http.Client{Transport: t}
}

// sendBuffer is the socket send buffer asked for: a payload of the default
// flush size fits, so the sender writes it whole without waiting for the
// Agent to read. On a busy machine, each wait is a trip through the
// scheduler's queue behind every busy goroutine (TestBurst).
const sendBuffer = DefaultFlushSize + DefaultFlushSize/4

func bigSendBuffer(c net.Conn) {
	if w, ok := c.(interface{ SetWriteBuffer(int) error }); ok {
		_ = w.SetWriteBuffer(sendBuffer) // the system may grant less: then writes wait, as they would have
	}
}
