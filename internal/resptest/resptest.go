// Package resptest is a tiny Redis server for tests: RESP2 over TCP on
// 127.0.0.1, with a handful of commands over an in-memory map (PING,
// ECHO, GET, SET, DEL, EXISTS, INCR, MGET, SELECT, CLIENT, QUIT). Any
// other command, HELLO included (so clients fall back to RESP2), is
// answered with Redis's "unknown command" error, which is how a test
// provokes a server error.
//
// It reads at most MaxArgs arguments of at most MaxBulk bytes each per
// command; past that, or on anything that is not RESP, it closes the
// connection.
package resptest

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
)

// Limits of one command.
const (
	MaxArgs = 1024
	MaxBulk = 1 << 20
)

// Server is a running server. Close stops it.
type Server struct {
	ln net.Listener
	wg sync.WaitGroup

	mu     sync.Mutex
	data   map[string]string
	conns  map[net.Conn]struct{}
	closed bool
}

// Start starts a server on 127.0.0.1, on a port of the system's choice.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{ln: ln, data: map[string]string{}, conns: map[net.Conn]struct{}{}}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr is the server's host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Reset forgets every key, so that two runs of one scenario against the
// same server (the same address) see the same data.
func (s *Server) Reset() {
	s.mu.Lock()
	clear(s.data)
	s.mu.Unlock()
}

// Close stops the server, closes its connections and waits for them.
func (s *Server) Close() error {
	err := s.ln.Close()
	s.mu.Lock()
	s.closed = true
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return err
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed { // accepted while Close ran
			s.mu.Unlock()
			c.Close()
			return
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go s.serve(c)
	}
}

func (s *Server) serve(c net.Conn) {
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	for {
		args, err := readCommand(r)
		if err != nil {
			return
		}
		quit := s.exec(w, args)
		// Flush once the client has nothing more buffered: a pipeline's
		// replies go out together.
		if r.Buffered() == 0 || quit {
			if w.Flush() != nil || quit {
				return
			}
		}
	}
}

var errProtocol = errors.New("resptest: protocol error")

// readCommand reads one command: a RESP array of bulk strings.
func readCommand(r *bufio.Reader) ([]string, error) {
	n, err := readHeader(r, '*', MaxArgs)
	if err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, errProtocol
	}
	args := make([]string, n)
	for i := range args {
		size, err := readHeader(r, '$', MaxBulk)
		if err != nil {
			return nil, err
		}
		if size < 0 {
			return nil, errProtocol
		}
		buf := make([]byte, size+2)
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, err
		}
		if string(buf[size:]) != "\r\n" {
			return nil, errProtocol
		}
		args[i] = string(buf[:size])
	}
	return args, nil
}

// readHeader reads a line "<kind><n>\r\n" with -1 <= n <= max.
func readHeader(r *bufio.Reader, kind byte, max int) (int, error) {
	line, err := r.ReadSlice('\n')
	if err != nil {
		return 0, err
	}
	if len(line) < 4 || line[0] != kind || line[len(line)-2] != '\r' {
		return 0, errProtocol
	}
	n, err := strconv.Atoi(string(line[1 : len(line)-2]))
	if err != nil || n < -1 || n > max {
		return 0, errProtocol
	}
	return n, nil
}

// exec runs one command and writes its reply; it reports QUIT.
func (s *Server) exec(w *bufio.Writer, args []string) (quit bool) {
	name, a := strings.ToUpper(args[0]), args[1:]
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case name == "PING" && len(a) == 0:
		w.WriteString("+PONG\r\n")
	case name == "PING" && len(a) == 1, name == "ECHO" && len(a) == 1:
		bulk(w, a[0])
	case name == "GET" && len(a) == 1:
		if v, ok := s.data[a[0]]; ok {
			bulk(w, v)
		} else {
			w.WriteString("$-1\r\n")
		}
	case name == "SET" && len(a) >= 2:
		s.data[a[0]] = a[1]
		w.WriteString("+OK\r\n")
	case (name == "DEL" || name == "EXISTS") && len(a) >= 1:
		n := 0
		for _, k := range a {
			if _, ok := s.data[k]; ok {
				n++
				if name == "DEL" {
					delete(s.data, k)
				}
			}
		}
		integer(w, n)
	case name == "INCR" && len(a) == 1:
		n, err := strconv.Atoi(s.data[a[0]])
		if _, set := s.data[a[0]]; err != nil && set {
			w.WriteString("-ERR value is not an integer or out of range\r\n")
			break
		}
		s.data[a[0]] = strconv.Itoa(n + 1)
		integer(w, n+1)
	case name == "MGET" && len(a) >= 1:
		w.WriteString("*" + strconv.Itoa(len(a)) + "\r\n")
		for _, k := range a {
			if v, ok := s.data[k]; ok {
				bulk(w, v)
			} else {
				w.WriteString("$-1\r\n")
			}
		}
	case name == "SELECT" && len(a) == 1, name == "CLIENT":
		w.WriteString("+OK\r\n")
	case name == "QUIT":
		w.WriteString("+OK\r\n")
		return true
	default:
		w.WriteString("-ERR unknown command '" + strings.Map(printable, args[0]) + "'\r\n")
	}
	return false
}

func bulk(w *bufio.Writer, v string) {
	w.WriteString("$" + strconv.Itoa(len(v)) + "\r\n" + v + "\r\n")
}

func integer(w *bufio.Writer, n int) { w.WriteString(":" + strconv.Itoa(n) + "\r\n") }

// printable keeps an error line one line.
func printable(r rune) rune {
	if r < ' ' || r == 0x7f {
		return '?'
	}
	return r
}
