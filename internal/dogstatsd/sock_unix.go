//go:build unix

package dogstatsd

import (
	"errors"
	"fmt"
	"net"
	"syscall"
)

// sock writes datagrams without ever waiting: Go's sockets are
// non-blocking underneath, and a raw write that gives up at once turns a
// full socket buffer (a Unix socket nobody reads) into EAGAIN, where
// net.Conn.Write would park the caller until the reader catches up.
type sock struct {
	net.Conn
	rc syscall.RawConn
	// The write callback and its arguments live here, made once, so that a
	// write allocates nothing.
	p   []byte
	n   int
	err error
	fn  func(fd uintptr) bool
}

func newSock(c net.Conn) (*sock, error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return nil, fmt.Errorf("dogstatsd: %T has no file descriptor", c)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("dogstatsd: %w", err)
	}
	s := &sock{Conn: c, rc: rc}
	s.fn = func(fd uintptr) bool {
		s.n, s.err = syscall.Write(int(fd), s.p)
		return true // one attempt: never wait for the socket to drain
	}
	return s, nil
}

// write sends p as one datagram, or fails at once.
func (s *sock) write(p []byte) (int, error) {
	s.p = p
	err := s.rc.Write(s.fn)
	s.p = nil
	if err != nil {
		return 0, err
	}
	return max(s.n, 0), s.err
}

// wouldBlock reports whether err says the socket's buffer was full.
func wouldBlock(err error) bool {
	return errors.Is(err, syscall.EAGAIN) || errors.Is(err, syscall.EWOULDBLOCK) || errors.Is(err, syscall.ENOBUFS)
}
