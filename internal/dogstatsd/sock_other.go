//go:build !unix

package dogstatsd

import (
	"errors"
	"net"
	"os"
	"time"
)

// sock writes datagrams with a deadline of a millisecond where raw
// non-blocking writes are not available: a full socket costs at most that.
type sock struct{ net.Conn }

func newSock(c net.Conn) (*sock, error) { return &sock{c}, nil }

func (s *sock) write(p []byte) (int, error) {
	_ = s.SetWriteDeadline(time.Now().Add(time.Millisecond))
	return s.Write(p)
}

func wouldBlock(err error) bool { return errors.Is(err, os.ErrDeadlineExceeded) }
