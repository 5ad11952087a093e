// Package dsdtest is a DogStatsD stand-in for tests: a socket on
// 127.0.0.1 or a Unix datagram socket, and a parser of what arrives.
package dsdtest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

// Message is one metric as it arrived.
type Message struct {
	Name, Value, Type string
	Rate              string   // "" when absent (a rate of 1)
	Tags              []string // in order, "key:value" or "key"
	Timestamp         string   // "" when absent
}

// TagKeys returns the keys of the tags, in order.
func (m Message) TagKeys() []string {
	keys := make([]string, len(m.Tags))
	for i, t := range m.Tags {
		keys[i], _, _ = strings.Cut(t, ":")
	}
	return keys
}

// Tag returns the value of the first tag with key k.
func (m Message) Tag(k string) (string, bool) {
	for _, t := range m.Tags {
		if key, v, _ := strings.Cut(t, ":"); key == k {
			return v, true
		}
	}
	return "", false
}

// Parse reads a datagram: metrics separated by newlines, each
// name:value|type followed by optional |@rate, |#tags, |c:container and
// |Ttimestamp fields.
func Parse(packet []byte) ([]Message, error) {
	var out []Message
	for line := range strings.SplitSeq(string(packet), "\n") {
		if line == "" {
			continue
		}
		m, err := parseLine(line)
		if err != nil {
			return out, err
		}
		out = append(out, m)
	}
	return out, nil
}

func parseLine(line string) (Message, error) {
	fields := strings.Split(line, "|")
	var m Message
	var ok bool
	if m.Name, m.Value, ok = strings.Cut(fields[0], ":"); !ok || m.Name == "" || len(fields) < 2 || fields[1] == "" {
		return m, fmt.Errorf("dsdtest: %q is not name:value|type", line)
	}
	m.Type = fields[1]
	for _, f := range fields[2:] {
		switch {
		case strings.HasPrefix(f, "@"):
			m.Rate = f[1:]
		case strings.HasPrefix(f, "#"):
			m.Tags = strings.Split(f[1:], ",")
		case strings.HasPrefix(f, "T"):
			m.Timestamp = f[1:]
		case strings.HasPrefix(f, "c:"):
		default:
			return m, fmt.Errorf("dsdtest: unknown field %q in %q", f, line)
		}
	}
	return m, nil
}

// Server receives datagrams.
type Server struct {
	conn    net.PacketConn
	network string
	addr    string
	buf     []byte
}

// ListenUDP opens a server on 127.0.0.1, closed when the test ends.
func ListenUDP(t testing.TB) *Server {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &Server{conn: c, network: "udp", addr: c.LocalAddr().String(), buf: make([]byte, 1<<16)}
}

// ListenUnixgram opens a server on a Unix datagram socket at path, closed
// when the test ends.
func ListenUnixgram(t testing.TB, path string) *Server {
	t.Helper()
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &Server{conn: c, network: "unixgram", addr: path, buf: make([]byte, 1<<16)}
}

// Addr is the address to send to: host:port, or unix:///path.
func (s *Server) Addr() string {
	if s.network == "unixgram" {
		return "unix://" + s.addr
	}
	return s.addr
}

// Next returns the messages of the next datagram, waiting at most until
// deadline, and the datagram's size.
func (s *Server) Next(deadline time.Time) ([]Message, int, error) {
	if err := s.conn.SetReadDeadline(deadline); err != nil {
		return nil, 0, err
	}
	n, _, err := s.conn.ReadFrom(s.buf)
	if err != nil {
		return nil, 0, err
	}
	msgs, err := Parse(s.buf[:n])
	return msgs, n, err
}

const sentinel = "dsdtest.sentinel:1|c\n"

// Drain returns every message that arrived before the call: it sends
// itself a marker and reads up to it. On a local socket a datagram is
// queued when its write returns, so whatever a sender wrote before Drain
// is read. The deadline turns a lost marker into an error, not a hang.
func (s *Server) Drain(deadline time.Time) ([]Message, error) {
	c, err := net.Dial(s.network, s.addr)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if _, err := c.Write([]byte(sentinel)); err != nil {
		return nil, err
	}
	var out []Message
	for {
		if err := s.conn.SetReadDeadline(deadline); err != nil {
			return out, err
		}
		n, _, err := s.conn.ReadFrom(s.buf)
		if err != nil {
			return out, err
		}
		if bytes.Equal(s.buf[:n], []byte(sentinel)) {
			return out, nil
		}
		msgs, err := Parse(s.buf[:n])
		if err != nil {
			return out, errors.Join(err, fmt.Errorf("dsdtest: in %q", s.buf[:n]))
		}
		out = append(out, msgs...)
	}
}
