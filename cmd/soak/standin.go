package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// The stand-in agents. Each listens on 127.0.0.1 only, and stop ends every
// goroutine it started and closes every connection it holds.

// slowAnswer is how long the slow stand-in takes to answer.
const slowAnswer = 5 * time.Second

var modes = []string{"down", "blackhole", "slow", "500", "healthy"}

// standIn is a running stand-in agent.
type standIn struct {
	addr string // host:port to send to
	stop func()
}

// startStandIn starts the stand-in of mode.
func startStandIn(mode string) (*standIn, error) {
	switch mode {
	case "down":
		return startDown()
	case "blackhole":
		return startBlackhole()
	case "slow", "500", "healthy":
		return startHTTP(mode)
	}
	return nil, fmt.Errorf("unknown mode %q", mode)
}

func listen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// startDown notes a free port and closes it: connections are refused.
func startDown() (*standIn, error) {
	ln, err := listen()
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		return nil, err
	}
	return &standIn{addr: addr, stop: func() {}}, nil
}

// startBlackhole accepts connections and never reads from them nor
// answers: the kernel's buffers fill and the client's writes stall.
func startBlackhole() (*standIn, error) {
	ln, err := listen()
	if err != nil {
		return nil, err
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		done  = make(chan struct{})
	)
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return // the listener was closed
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	stop := func() {
		ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
		conns = nil
	}
	return &standIn{addr: ln.Addr().String(), stop: stop}, nil
}

// startHTTP starts an HTTP stand-in that reads and discards every body,
// then answers as mode says: "healthy" 200 {} at once (and /info with the
// endpoints of a recent Agent), "500" 500, "slow" 200 {} after slowAnswer,
// or as soon as the request or the stand-in ends.
func startHTTP(mode string) (*standIn, error) {
	ln, err := listen()
	if err != nil {
		return nil, err
	}
	ending := make(chan struct{})
	var active atomic.Int64 // handlers running
	h := func(w http.ResponseWriter, r *http.Request) {
		active.Add(1)
		defer active.Add(-1)
		io.Copy(io.Discard, r.Body)
		if r.URL.Path == "/info" && mode == "healthy" {
			// As a recent Agent: it takes v0.5, a third of v0.4's bytes.
			io.WriteString(w, `{"version":"7.70.0","endpoints":["/v0.4/traces","/v0.5/traces"]}`)
			return
		}
		switch mode {
		case "500":
			http.Error(w, "stand-in agent: internal error", http.StatusInternalServerError)
			return
		case "slow":
			t := time.NewTimer(slowAnswer)
			defer t.Stop()
			select {
			case <-t.C:
			case <-r.Context().Done():
				return
			case <-ending:
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "{}")
	}
	srv := &http.Server{
		Handler:           http.HandlerFunc(h),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Printf("soak: stand-in %s: %v", mode, err)
		}
	}()
	stop := func() {
		close(ending)
		srv.Close() // closes the listener and every connection
		<-served
		// Handlers return at once now that ending is closed; wait for
		// them so that none outlives the stand-in.
		for deadline := time.Now().Add(5 * time.Second); active.Load() > 0 && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
	return &standIn{addr: ln.Addr().String(), stop: stop}, nil
}
