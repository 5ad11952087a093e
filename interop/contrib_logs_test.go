package interop

// TestLogsSameAsDD logs the same records through dd-trace-go v1.74.8's
// contrib/log/slog (NewJSONHandler, WrapHandler with attributes and
// groups) and contrib/sirupsen/logrus (DDContextLogHook) and through ours,
// with spans of each side's tracer (a root, a child, a span continuing a
// 64-bit trace id from upstream) and without, each tracer sending to its
// own stand-in Agent. Every record is compared key by key, the ids
// replaced by what they are, read from the spans each Agent received:
// "<log.root trace:hex>" (32 hex digits), "<log.root trace:dec>" (the
// lower 64 bits in decimal), "<log.child span>" (its id in decimal). A
// difference fails the test unless logsKnownDiffs lists it with its
// reason; a listed difference that no longer happens fails it too.
//
// dd-trace-go reads DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED once, when
// the program starts: TestLogsSameAsDD128Off runs TestLogsSameAsDD again
// in a process started with it false. dd-trace-go v1.74.8's tracer.Start
// also sets the variable to false in the process's environment when it is
// unset ("to make sure our v1 shim behaves like the previous v1 tracer":
// its Span's %v then writes 64-bit ids, while its log integrations, which
// read the variable before, write 128-bit ones); each side runs here as if
// in a process of its own, so the test puts the variable back as the
// process started with it after dd's side.
//
// The scenario is written once per package (contrib_logs_dd_test.go,
// contrib_logs_ours_test.go); TestLogsScenariosIdentical fails when the
// two differ other than by name.
//
//	go test -run 'TestLogs' -v

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

const (
	logs128Var = "DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED"
	logs128Off = logs128Var + "=false"
	// logsChild marks the process TestLogsSameAsDD128Off starts.
	logsChild = "INTEROP_LOGS_128_OFF_CHILD"
)

// logs128AtStart is the variable as the process started with it, read
// before any test starts dd-trace-go's tracer, which may set it.
var logs128AtStart, logs128SetAtStart = os.LookupEnv(logs128Var)

// restoreLogs128 puts the variable back as the process started with it.
func restoreLogs128(t *testing.T) {
	t.Setenv(logs128Var, logs128AtStart) // and back again after the test
	if !logs128SetAtStart {
		os.Unsetenv(logs128Var)
	}
}

// logsKnownDiffs are the understood differences of TestLogsSameAsDD by
// default, keyed "<stream> | <msg> | <key>", with the reason.
var logsKnownDiffs = map[string]string{
	// A trace id without an upper half: dd's integrations write it as 32
	// hex digits, 16 of them zeros, against dd-trace-go's own rule
	// (DataDog/dd-trace-go#1746, Span.Format: decimal, as 64-bit ids
	// always were), which we follow.
	"slog | remote | dd.trace_id":   remote64Reason,
	"logrus | remote | dd.trace_id": remote64Reason,
}

const remote64Reason = "dd's slog and logrus write a trace id without an upper half in hex with 16 leading zeros; we write it in decimal, as dd-trace-go's rule (#1746) and its Span.Format do"

func TestLogsScenariosIdentical(t *testing.T) {
	dd := funcSource(t, "contrib_logs_dd_test.go", "ddLogsScenario")
	ours := funcSource(t, "contrib_logs_ours_test.go", "oursLogsScenario")
	if dd != ours {
		t.Errorf("ddLogsScenario and oursLogsScenario differ; keep them identical\n--- dd\n%s\n--- ours\n%s", dd, ours)
	}
}

func TestLogsSameAsDD(t *testing.T) {
	off := logs128AtStart == "false"
	known := logsKnownDiffs
	if off {
		t.Log(logs128Off + ": every trace id in decimal on both sides")
		known = map[string]string{}
	}
	ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
	var ddSlog, ddLogrus, ourSlog, ourLogrus bytes.Buffer
	ddLogsScenario(t, ddAgent.addr(), &ddSlog, &ddLogrus, ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	restoreLogs128(t)
	oursLogsScenario(t, ourAgent.addr(), &ourSlog, &ourLogrus)
	ddIDs := logIDs(readSide(t, "dd", ddAgent.traceRequests()))
	ourIDs := logIDs(readSide(t, "ours", ourAgent.traceRequests()))
	if t.Failed() {
		return
	}
	found := map[string]bool{}
	compared := 0
	for _, stream := range []struct {
		name     string
		dd, ours *bytes.Buffer
	}{{"slog", &ddSlog, &ourSlog}, {"logrus", &ddLogrus, &ourLogrus}} {
		dd, ours := logRecords(t, stream.dd, ddIDs), logRecords(t, stream.ours, ourIDs)
		// The scenario does what it means to, on dd's side.
		want := "<log.root trace:hex>"
		if off {
			want = "<log.root trace:dec>"
		}
		if got := dd["root"]["dd.trace_id"]; got != want {
			t.Errorf("dd: %s record root has dd.trace_id %v, want %s", stream.name, got, want)
		}
		for _, msg := range sortedKeys(union(dd, ours)) {
			d, o := dd[msg], ours[msg]
			compared++
			for _, k := range sortedKeys(union(d, o)) {
				dv, dok := d[k]
				ov, ook := o[k]
				if dok == ook && fmt.Sprint(dv) == fmt.Sprint(ov) {
					continue
				}
				id := stream.name + " | " + msg + " | " + k
				if reason, ok := known[id]; ok {
					found[id] = true
					t.Logf("known difference %s: dd=%v ours=%v (%s)", id, dv, ov, reason)
					continue
				}
				t.Errorf("difference %s: dd=%v (%v) ours=%v (%v)", id, dv, dok, ov, ook)
			}
		}
	}
	staleDiffs(t, known, found)
	t.Logf("%d records compared side by side", compared)
}

// TestLogsSameAsDD128Off runs TestLogsSameAsDD in a process started with
// DD_TRACE_128_BIT_TRACEID_LOGGING_ENABLED=false.
func TestLogsSameAsDD128Off(t *testing.T) {
	if os.Getenv(logsChild) != "" {
		t.Skip("this is the process it starts")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLogsSameAsDD$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), logs128Off, logsChild+"=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte(logs128Off+": every trace id")) || !bytes.Contains(out, []byte("--- PASS: TestLogsSameAsDD ")) {
		t.Fatalf("%v\n%s", err, out)
	}
}

// logIDs maps each id of the spans a side sent, in the forms a log may
// carry it, to what it is: "<name trace:hex>" and "<name trace:dec>" for
// the trace of each root span named name, "<name span>" for each span.
func logIDs(s side) map[string]string {
	ids := map[string]string{}
	upper := map[uint64]uint64{} // trace id (lower) -> upper half
	for _, sp := range s.spans {
		if tid, ok := sp.Meta["_dd.p.tid"]; ok {
			upper[sp.TraceID], _ = strconv.ParseUint(tid, 16, 64)
		}
	}
	for name, sp := range s.spans {
		ids[strconv.FormatUint(sp.SpanID, 10)] = "<" + name + " span>"
		if _, local := s.byID[sp.ParentID]; local {
			continue // its trace is named after its root
		}
		ids[fmt.Sprintf("%016x%016x", upper[sp.TraceID], sp.TraceID)] = "<" + name + " trace:hex>"
		ids[strconv.FormatUint(sp.TraceID, 10)] = "<" + name + " trace:dec>"
	}
	return ids
}

// logRecords reads JSON lines, by message, with dd.trace_id and
// dd.span_id replaced by what ids says they are.
func logRecords(t *testing.T, buf *bytes.Buffer, ids map[string]string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Errorf("%v: %s", err, line)
			continue
		}
		for _, k := range []string{"dd.trace_id", "dd.span_id"} {
			if v, ok := m[k]; ok {
				what, known := ids[fmt.Sprint(v)]
				if !known {
					what = fmt.Sprintf("<no span's: %v>", v)
				}
				m[k] = what
			}
		}
		msg := fmt.Sprint(m["msg"])
		if _, dup := out[msg]; dup {
			t.Fatalf("message %q twice; the scenario needs unique messages", msg)
		}
		out[msg] = m
	}
	return out
}
