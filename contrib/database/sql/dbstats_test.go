package sql

import (
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ctxtrace/trace/contrib/internal/sqltest"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

func TestDBStats(t *testing.T) {
	for _, e := range []string{"DD_ENV", "DD_SERVICE", "DD_VERSION", "DD_ENTITY_ID"} {
		t.Setenv(e, "")
	}
	srv, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	globalconfig.SetDogStatsD(srv.LocalAddr().String(), []string{"lang:go", "env:prod"})
	defer globalconfig.SetDogStatsD("", nil)
	ticks := make(chan time.Time)
	stopped := make(chan struct{})
	dbStatsTicks = func() (<-chan time.Time, func()) { return ticks, func() { close(stopped) } }
	defer func() { dbStatsTicks = defaultDBStatsTicks }()

	name, _ := register(t, sqltest.Full, WithDBStats())
	db := open(t, name, "", WithServiceName("orders-db"), WithCustomTag("team", "core"), WithCustomTag("n", 1))
	db.SetMaxOpenConns(3)
	db.Ping()
	ticks <- time.Now()
	srv.SetReadDeadline(time.Now().Add(time.Minute)) // a bug fails instead of hanging
	buf := make([]byte, 65536)
	n, err := srv.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	const tags = "|#lang:go,env:prod,service:orders-db,team:core\n"
	want := []string{
		"datadog.tracer.sql.db.connections.max_open:3|g" + tags,
		"datadog.tracer.sql.db.connections.open:1|g" + tags,
		"datadog.tracer.sql.db.connections.in_use:0|g" + tags,
		"datadog.tracer.sql.db.connections.idle:1|g" + tags,
		"datadog.tracer.sql.db.connections.waiting:0|g" + tags,
		"datadog.tracer.sql.db.connections.wait_duration:0|ms" + tags,
		"datadog.tracer.sql.db.connections.closed.max_idle_conns:0|g" + tags,
		"datadog.tracer.sql.db.connections.closed.max_idle_time:0|g" + tags,
		"datadog.tracer.sql.db.connections.closed.max_lifetime:0|g" + tags,
	}
	got := strings.SplitAfter(string(buf[:n]), "\n")
	got = slices.DeleteFunc(got, func(s string) bool { return s == "" })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("metrics (-want +got):\n%s", diff)
	}
	db.Close()
	<-stopped // closing the database stops the poller
}
