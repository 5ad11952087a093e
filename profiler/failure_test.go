package profiler

import (
	"net"
	"net/http"
	"testing"
	"time"
)

// TestRetry checks dd-trace-go's retry: a 5xx is tried once more, at the
// random time drawn within the next period; the batch is the same.
func TestRetry(t *testing.T) {
	cleanEnv(t)
	a := newAgent(t)
	a.status = func(n int) int {
		if n == 1 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	}
	p, clk, _ := testProfiler(t, WithAgentAddr(a.addr()), WithProfileTypes())
	p.randN = func(n int64) int64 { return n / 4 }
	end := clk.step(t)
	first := a.next(t)
	if at := clk.step(t); !at.Equal(end.Add(DefaultPeriod / 4)) {
		t.Errorf("retried %v after the failure, want the drawn %v", at.Sub(end), DefaultPeriod/4)
	}
	second := a.next(t)
	if s1, s2 := first.event["start"], second.event["start"]; s1 != s2 {
		t.Errorf("the retry sent another batch: start %v, then %v", s1, s2)
	}
	clk.Next(t) // the loop is idle again
	if up, re, failed := p.counts.uploaded.Load(), p.counts.retried.Load(), p.counts.failed.Load(); up != 1 || re != 1 || failed != 0 {
		t.Errorf("uploaded %d, retried %d, failed %d; want 1, 1, 0", up, re, failed)
	}
}

// TestNoRetry checks that a 4xx is final, a 404 with a message about the
// Agent's version.
func TestNoRetry(t *testing.T) {
	cleanEnv(t)
	for _, code := range []int{http.StatusBadRequest, http.StatusNotFound} {
		a := newAgent(t)
		a.status = func(int) int { return code }
		p, clk, l := testProfiler(t, WithAgentAddr(a.addr()), WithProfileTypes())
		clk.step(t)
		a.next(t)
		clk.Next(t)
		if re, failed := p.counts.retried.Load(), p.counts.failed.Load(); re != 0 || failed != 1 {
			t.Errorf("%d: retried %d, failed %d; want 0, 1", code, re, failed)
		}
		if code == http.StatusNotFound && l.count("WARN profiler: could not upload") != 1 {
			t.Errorf("404: log %q", l.lines)
		}
		p.stop()
	}
}

// TestAgentDown checks that uploads to nowhere are tried twice, counted,
// logged once per interval, and never hold Stop.
func TestAgentDown(t *testing.T) {
	cleanEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	p, clk, l := testProfiler(t, WithAgentAddr(addr), WithProfileTypes(), WithPeriod(time.Second))
	p.randN = func(n int64) int64 { return n / 2 }
	const periods = 5
	for range 2*periods - 1 { // each period: its end, then the retry; not the last retry
		clk.step(t)
	}
	clk.Next(t)
	if failed := p.counts.failed.Load(); failed != periods-1 {
		t.Errorf("failed %d, want %d (the last batch waits for its retry)", failed, periods-1)
	}
	if n := l.count("WARN profiler: could not upload"); n != 1 {
		t.Errorf("%d warnings in %d failures within the log interval: %q", n, periods-1, l.lines)
	}
	p.stop()
	if failed := p.counts.failed.Load(); failed != periods {
		t.Errorf("after Stop, failed %d, want %d", failed, periods)
	}
}

// TestSlowAgent checks that an Agent that never answers costs an upload
// timeout per attempt, and that Stop cancels an upload in flight rather
// than waiting for its timeout.
func TestSlowAgent(t *testing.T) {
	cleanEnv(t)
	a := newAgent(t)
	a.hang = make(chan struct{})
	defer close(a.hang)
	p, clk, _ := testProfiler(t, WithAgentAddr(a.addr()), WithProfileTypes(), WithUploadTimeout(50*time.Millisecond))
	clk.step(t) // the period ends: the first attempt times out
	clk.step(t) // the retry times out too
	clk.Next(t)
	if failed := p.counts.failed.Load(); failed != 1 {
		t.Errorf("failed %d, want 1", failed)
	}

	// An upload timeout of an hour: Stop must not wait for it.
	p2, clk2, _ := testProfiler(t, WithAgentAddr(a.addr()), WithProfileTypes(), WithUploadTimeout(time.Hour))
	clk2.step(t)
	a.next(t) // the upload is in flight
	p2.stop()
	if up, failed := p2.counts.uploaded.Load(), p2.counts.failed.Load(); up != 0 || failed != 1 {
		t.Errorf("uploaded %d, failed %d; want 0, 1", up, failed)
	}
}

// TestFlushOnExit checks DD_PROFILING_FLUSH_ON_EXIT: Stop uploads the
// unfinished period's profiles, even to an Agent that never answers, within
// the upload timeout.
func TestFlushOnExit(t *testing.T) {
	cleanEnv(t)
	t.Setenv("DD_PROFILING_FLUSH_ON_EXIT", "true")
	a := newAgent(t)
	p, clk, _ := testProfiler(t, WithAgentAddr(a.addr()))
	clk.AdvanceTo(clk.Next(t).Add(-time.Second)) // a second before the period ends
	p.stop()
	u := a.next(t)
	if seq, _ := u.tag("profile_seq"); seq != "0" || len(u.parts) != 4 || u.event["end"] != clk.Now().Format(time.RFC3339Nano) {
		t.Errorf("flushed profile_seq %s, parts %q", seq, u.partNames())
	}

	a.hang = make(chan struct{})
	defer close(a.hang)
	p, clk, _ = testProfiler(t, WithAgentAddr(a.addr()), WithUploadTimeout(50*time.Millisecond))
	clk.Next(t)
	p.stop() // returns: the Agent's silence costs one upload timeout
	if failed := p.counts.failed.Load(); failed != 1 {
		t.Errorf("failed %d, want 1", failed)
	}
}
