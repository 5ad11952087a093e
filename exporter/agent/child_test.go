package agent_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// childEnv, set in a child's environment, makes the test binary a stand-in
// agent instead of running tests.
const childEnv = "TRACE_AGENT_TEST_STANDIN"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		runChildStandIn()
		return
	}
	os.Exit(m.Run())
}

// runChildStandIn serves /v0.4/traces and /v0.5/traces on 127.0.0.1 (and
// offers both at /info, as a recent Agent does), counting the spans it
// accepts, and /count, which says how many; it prints its address and
// lives until its standard input closes.
func runChildStandIn() {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var count atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/info", func(w http.ResponseWriter, _ *http.Request) {
		io.WriteString(w, `{"version":"7.99.0","endpoints":["/v0.4/traces","/v0.5/traces"]}`)
	})
	traces := func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		n, err := countSpans(body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		count.Add(int64(n))
		io.WriteString(w, `{}`)
	}
	mux.HandleFunc("/v0.4/traces", traces)
	mux.HandleFunc("/v0.5/traces", traces)
	mux.HandleFunc("/count", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprint(w, count.Load())
	})
	go http.Serve(ln, mux)
	fmt.Println(ln.Addr())
	io.Copy(io.Discard, os.Stdin)
}

// childStandIn is a stand-in agent in a process of its own, as the real
// Agent is: the operating system, not this process's scheduler, gives it
// its share of the machine, so a load test measures the tracer, not the
// stand-in's competition with it.
type childStandIn struct {
	url string
}

func newChildStandIn(t testing.TB) *childStandIn {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		cmd.Wait()
	})
	addr, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("the stand-in agent did not start: %v", err)
	}
	return &childStandIn{url: "http://" + strings.TrimSpace(addr)}
}

// count returns how many spans the stand-in accepted.
func (c *childStandIn) count(t testing.TB) int {
	t.Helper()
	resp, err := http.Get(c.url + "/count")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(string(b))
	if err != nil {
		t.Fatalf("/count: %q", b)
	}
	return n
}
