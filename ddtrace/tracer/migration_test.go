package tracer_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMigrationIsOnePrefixReplacement takes the three Go snippets of the
// user's document (testdata/manual_instrumentation.md, Datadog's "manual
// instrumentation" page, as written for dd-trace-go v1), replaces the
// module prefix gopkg.in/DataDog/dd-trace-go.v1 by github.com/ctxtrace/trace
// and nothing else, and type-checks each as a program of its own against
// this module. The first, which has a main, also runs and sends its span
// to a stand-in Agent named by DD_TRACE_AGENT_URL.
func TestMigrationIsOnePrefixReplacement(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three programs")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	doc, err := os.ReadFile("testdata/manual_instrumentation.md")
	if err != nil {
		t.Fatal(err)
	}
	snippets := regexp.MustCompile("(?s)```go\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	if len(snippets) != 3 {
		t.Fatalf("%d Go snippets in the document, want 3", len(snippets))
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range snippets {
		src := strings.ReplaceAll(m[1], "gopkg.in/DataDog/dd-trace-go.v1", "github.com/ctxtrace/trace")
		dir := t.TempDir()
		mod := "module seed\n\ngo 1.25\n\nrequire github.com/ctxtrace/trace v0.0.0\n\nreplace github.com/ctxtrace/trace => " + root + "\n"
		for name, body := range map[string]string{"go.mod": mod, "go.sum": string(sum), "main.go": src} {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		run := func(env []string, args ...string) string {
			t.Helper()
			cmd := exec.Command(goBin, args...)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
			cmd.Env = append(cmd.Env, env...)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("snippet %d: go %s: %v\n%s\n--- the snippet after the replacement:\n%s", i+1, strings.Join(args, " "), err, out, src)
			}
			return string(out)
		}
		run(nil, "vet", ".")
		if !strings.Contains(src, "func main()") {
			continue
		}
		agentSrv := newStandIn(t)
		run([]string{"DD_TRACE_AGENT_URL=" + agentSrv.srv.URL, "DD_TRACE_STARTUP_LOGS=false"}, "run", ".")
		var span map[string]any
		for deadline := time.Now().Add(30 * time.Second); span == nil && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			span = agentSrv.byName()["web.request"]
		}
		if span == nil {
			t.Fatalf("snippet %d ran, but no web.request span reached the Agent", i+1)
		}
		if span["resource"] != "/posts" || span["service"] != "<NOM_SERVICE>" {
			t.Errorf("snippet %d: span %v", i+1, span)
		}
		if meta, _ := span["meta"].(map[string]any); meta["<TAG_KEY>"] != "<TAG_VALUE>" {
			t.Errorf("snippet %d: meta %v", i+1, span["meta"])
		}
	}
}
