// Package collector runs the OpenTelemetry Collector of cmd/otelcol for this
// module's tests: it builds the binary once (Binary), starts it on 127.0.0.1
// with free HTTP and gRPC ports for its OTLP receiver and the file exporter
// writing OTLP/JSON lines (Start), stops and restarts it on the same ports
// (Stop, Restart), and reads back everything it wrote (Traces). The process
// is killed when the test ends, whatever its outcome.
package collector

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// readyTimeout bounds the wait for a started Collector to listen, and
// stopTimeout its graceful shutdown before it is killed. Both are failure
// bounds only: a healthy Collector takes a fraction of them.
const (
	readyTimeout = 2 * time.Minute
	stopTimeout  = time.Minute
	buildTimeout = 15 * time.Minute
)

// Collector is a running (or stopped) Collector process.
type Collector struct {
	t        testing.TB
	exe      string
	dir      string // config, output and log files
	httpPort int
	grpcPort int

	mu   sync.Mutex
	proc *process // nil while stopped
	runs int      // processes started so far; run i writes traces-i.json
}

// process is one run of the binary.
type process struct {
	cmd    *exec.Cmd
	log    string
	exited chan struct{} // closed when cmd.Wait returns
	err    error         // what Wait returned, once exited is closed
}

// Start builds (or reuses) the Collector binary and starts it on 127.0.0.1,
// on two free ports, waiting until both receivers listen. It fails t if the
// Collector cannot be built or started. The process is killed in t.Cleanup.
func Start(t testing.TB) *Collector {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	exe, err := Binary(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := &Collector{t: t, exe: exe, dir: t.TempDir()}
	t.Cleanup(c.kill)
	// Another process may take a port between freePort and the Collector's
	// listen: try a few pairs.
	for attempt := 0; ; attempt++ {
		if c.httpPort, c.grpcPort, err = freePorts(); err != nil {
			t.Fatal(err)
		}
		if err = c.start(); err == nil || attempt == 2 {
			break
		}
		t.Logf("collector: start on ports %d and %d failed, trying others: %v", c.httpPort, c.grpcPort, err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// HTTPEndpoint is the base URL of the OTLP/HTTP receiver,
// "http://127.0.0.1:PORT"; traces go to its /v1/traces.
func (c *Collector) HTTPEndpoint() string { return "http://" + c.addr(c.httpPort) }

// GRPCEndpoint is the address of the OTLP/gRPC receiver, "127.0.0.1:PORT".
func (c *Collector) GRPCEndpoint() string { return c.addr(c.grpcPort) }

func (c *Collector) addr(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

// Stop shuts the Collector down gracefully (SIGTERM; killed if it has not
// exited within a minute) and waits for it to exit. What it acknowledged is
// in its output file once Stop returns. Stopping a stopped Collector does
// nothing.
func (c *Collector) Stop() {
	c.t.Helper()
	c.mu.Lock()
	p := c.proc
	c.proc = nil
	c.mu.Unlock()
	if p == nil {
		return
	}
	if err := p.stop(); err != nil {
		c.t.Errorf("collector: stop: %v\n%s", err, tail(p.log))
	}
}

// Restart starts the Collector again on the same ports, after Stop, and
// waits until it listens. Its output goes to a new file; Traces reads all.
func (c *Collector) Restart() {
	c.t.Helper()
	c.Stop()
	// The ports were free a moment ago; another process taking one now is
	// possible but unlikely, so retry only on a bounded deadline.
	deadline := time.Now().Add(readyTimeout)
	for {
		err := c.start()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("collector: restart: %v", err)
		}
		c.t.Logf("collector: restart failed, retrying: %v", err)
		time.Sleep(100 * time.Millisecond) // between attempts to bind a port: not a synchronization
	}
}

// start runs one process and waits until it listens on both ports.
func (c *Collector) start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc != nil {
		return errors.New("collector: already running")
	}
	run := c.runs
	c.runs++
	cfg := filepath.Join(c.dir, fmt.Sprintf("config-%d.yaml", run))
	out := filepath.Join(c.dir, fmt.Sprintf("traces-%d.json", run))
	if err := os.WriteFile(cfg, []byte(config(c.addr(c.httpPort), c.addr(c.grpcPort), out)), 0o644); err != nil {
		return fmt.Errorf("collector: %w", err)
	}
	p, err := launch(c.exe, cfg, filepath.Join(c.dir, fmt.Sprintf("log-%d.txt", run)))
	if err != nil {
		return err
	}
	if err := p.waitReady(c.addr(c.httpPort), c.addr(c.grpcPort)); err != nil {
		p.stop()
		return fmt.Errorf("%w\n%s", err, tail(p.log))
	}
	c.proc = p
	return nil
}

// kill ends the process, if any, without ceremony: the test is over. A
// failed test gets the Collector's log.
func (c *Collector) kill() {
	c.mu.Lock()
	p := c.proc
	c.proc = nil
	c.mu.Unlock()
	if p == nil {
		return
	}
	p.cmd.Process.Kill()
	<-p.exited
	if c.t.Failed() {
		c.t.Logf("collector log:\n%s", tail(p.log))
	}
}

// config is the Collector's configuration: the OTLP receiver on both ports,
// the file exporter writing one OTLP/JSON line per request to out (written
// as each request is handled, before the receiver answers), and no
// telemetry endpoint of its own.
func config(httpAddr, grpcAddr, out string) string {
	return fmt.Sprintf(`receivers:
  otlp:
    protocols:
      http:
        endpoint: %q
      grpc:
        endpoint: %q
exporters:
  file:
    path: %q
    format: json
    rotation:
      max_megabytes: 100000
service:
  telemetry:
    metrics:
      level: none
    logs:
      level: warn
  pipelines:
    traces:
      receivers: [otlp]
      exporters: [file]
`, httpAddr, grpcAddr, out)
}

// freePorts returns two ports that were free on 127.0.0.1 a moment ago.
func freePorts() (int, int, error) {
	var ports [2]int
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, 0, fmt.Errorf("collector: %w", err)
		}
		defer l.Close() // both held until both are known, so they differ
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	return ports[0], ports[1], nil
}
