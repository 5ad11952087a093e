package dogstatsd

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestTiming(t *testing.T) {
	clearEnvTags(t)
	srv := listenUDP(t)
	c, err := New(WithAddress(srv.LocalAddr().String()))
	if err != nil {
		t.Fatal(err)
	}
	c.Timing("t.ms", 1500*time.Microsecond, []string{"k:v"})
	c.Timing("t.zero", 0, nil)
	c.Timing("t.ns", 1234567*time.Nanosecond, nil)
	c.Flush()
	got := lines(readPackets(t, srv, int(c.Stats().Packets)))
	want := []string{"t.ms:1.5|ms|#k:v\n", "t.zero:0|ms\n", "t.ns:1.234567|ms\n"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("datagrams (-want +got):\n%s", diff)
	}
}
