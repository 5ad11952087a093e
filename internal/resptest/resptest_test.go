package resptest

import (
	"bufio"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
)

func start(t *testing.T) *Server {
	t.Helper()
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// exchange sends raw and reads until the server closes the connection.
func exchange(t *testing.T, s *Server, raw string) string {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(c) // the server closes after QUIT or bad input
	return string(b)
}

func cmd(args ...string) string {
	var b strings.Builder
	b.WriteString("*" + strconv.Itoa(len(args)) + "\r\n")
	for _, a := range args {
		b.WriteString("$" + strconv.Itoa(len(a)) + "\r\n" + a + "\r\n")
	}
	return b.String()
}

func TestCommands(t *testing.T) {
	s := start(t)
	in := cmd("PING") + cmd("ping", "hi") + cmd("SET", "k", "v") + cmd("GET", "k") + cmd("GET", "none") +
		cmd("MGET", "k", "none") + cmd("INCR", "n") + cmd("INCR", "k") + cmd("EXISTS", "k", "n", "x") +
		cmd("DEL", "k") + cmd("HELLO", "3") + cmd("SELECT", "2") + cmd("CLIENT", "SETINFO", "a", "b") +
		cmd("NOPE\r\n") + cmd("QUIT") + cmd("PING")
	want := "+PONG\r\n$2\r\nhi\r\n+OK\r\n$1\r\nv\r\n$-1\r\n*2\r\n$1\r\nv\r\n$-1\r\n:1\r\n" +
		"-ERR value is not an integer or out of range\r\n:2\r\n:1\r\n-ERR unknown command 'HELLO'\r\n" +
		"+OK\r\n+OK\r\n-ERR unknown command 'NOPE??'\r\n+OK\r\n"
	if got := exchange(t, s, in); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// TestBadInput: what is not RESP, or too large, closes the connection.
func TestBadInput(t *testing.T) {
	s := start(t)
	for _, raw := range []string{
		"PING\r\n", "*0\r\n", "*-1\r\n", "*x\r\n", "*99999\r\n", "*1\r\n$99999999\r\n",
		"*1\r\n$-1\r\n", "*1\r\n$4\r\nPINGxx", "*1\r\n:1\r\n", "\n", "*1\n",
	} {
		if got := exchange(t, s, raw); got != "" {
			t.Errorf("%q: answered %q", raw, got)
		}
	}
}

// TestCloseWithOpenConnections: Close returns while clients are connected
// and silent.
func TestCloseWithOpenConnections(t *testing.T) {
	s, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", s.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, cmd("PING"))
	if line, err := bufio.NewReader(c).ReadString('\n'); err != nil || line != "+PONG\r\n" {
		t.Fatalf("%q %v", line, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Read(make([]byte, 1)); err == nil {
		t.Error("connection still open after Close")
	}
}
