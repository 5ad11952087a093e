package dogstatsd

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/ctxtrace/trace/internal/env"
)

// The networks a Client sends on.
const (
	UDP      = "udp"
	Unixgram = "unixgram"
)

// DefaultSocket is the Agent's DogStatsD socket, used when it exists and no
// DD_DOGSTATSD_HOST, DD_AGENT_HOST or DD_DOGSTATSD_PORT says otherwise, as
// dd-trace-go does.
const DefaultSocket = "/var/run/datadog/dsd.socket"

const (
	defaultHost = "localhost"
	defaultPort = "8125"
)

// errAddr is wrapped by every address that cannot be used.
var errAddr = errors.New("dogstatsd: bad address")

// Resolve returns the network (UDP or Unixgram) and address a Client sends
// to. addr, when not empty, is "host:port", "host" (port 8125),
// "unix:///path", "unixgram:///path", "udp://host:port" or an absolute
// socket path. When empty: DD_DOGSTATSD_URL (unix:///path or
// udp://host:port); else DefaultSocket if it exists and none of the
// variables below is set; else DD_DOGSTATSD_HOST or DD_AGENT_HOST
// (default localhost) and DD_DOGSTATSD_PORT (default 8125). It reads the
// environment and the file system but never the network.
func Resolve(addr string) (network, address string, err error) {
	return resolve(addr, func(k string) string { return env.String(k, "") }, socketExists)
}

func socketExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func resolve(addr string, getenv func(string) string, exists func(string) bool) (string, string, error) {
	if addr = strings.TrimSpace(addr); addr != "" {
		return parse(addr)
	}
	if u := getenv("DD_DOGSTATSD_URL"); u != "" {
		if !strings.HasPrefix(u, "unix://") && !strings.HasPrefix(u, "udp://") {
			return "", "", fmt.Errorf("%w: DD_DOGSTATSD_URL=%q is neither unix:// nor udp://", errAddr, u)
		}
		return parse(u)
	}
	host := getenv("DD_DOGSTATSD_HOST")
	if host == "" {
		host = getenv("DD_AGENT_HOST")
	}
	port := getenv("DD_DOGSTATSD_PORT")
	if host == "" && port == "" && exists(DefaultSocket) {
		return Unixgram, DefaultSocket, nil
	}
	if host == "" {
		host = defaultHost
	}
	if port == "" {
		port = defaultPort
	}
	return hostPort(net.JoinHostPort(host, port))
}

// parse reads one explicit address.
func parse(addr string) (string, string, error) {
	for _, scheme := range []string{"unix://", "unixgram://"} {
		if path, ok := strings.CutPrefix(addr, scheme); ok {
			if path == "" {
				return "", "", fmt.Errorf("%w: %q has no socket path", errAddr, addr)
			}
			return Unixgram, path, nil
		}
	}
	if strings.HasPrefix(addr, "/") {
		return Unixgram, addr, nil
	}
	if strings.HasPrefix(addr, "udp://") {
		u, err := url.Parse(addr)
		if err != nil {
			return "", "", fmt.Errorf("%w: %w", errAddr, err)
		}
		addr = u.Host
	}
	if strings.Contains(addr, "://") {
		return "", "", fmt.Errorf("%w: %q: only udp:// and unix:// are supported", errAddr, addr)
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		// A host alone, as datadog-go reads it: port 8125.
		addr = net.JoinHostPort(strings.Trim(addr, "[]"), defaultPort)
	}
	return hostPort(addr)
}

// hostPort checks a host:port for UDP.
func hostPort(addr string) (string, string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", "", fmt.Errorf("%w: %w", errAddr, err)
	}
	if host == "" {
		addr = net.JoinHostPort(defaultHost, port)
	}
	if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
		return "", "", fmt.Errorf("%w: %q: port %q is not a number from 1 to 65535", errAddr, addr, port)
	}
	return UDP, addr, nil
}
