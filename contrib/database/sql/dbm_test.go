package sql

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/ctxtrace/trace/contrib/internal/sqltest"
	"github.com/ctxtrace/trace/ddtrace/ext"
	"github.com/ctxtrace/trace/ddtrace/mocktracer"
	"github.com/ctxtrace/trace/ddtrace/tracer"
)

var traceparentRE = regexp.MustCompile(`traceparent='00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]'`)

func TestDBMPropagation(t *testing.T) {
	for _, c := range []struct {
		mode       tracer.DBMPropagationMode
		wantParent bool // a traceparent in Exec's comment
	}{
		{tracer.DBMPropagationModeService, false},
		{tracer.DBMPropagationModeFull, true},
	} {
		t.Run(string(c.mode), func(t *testing.T) {
			mt := mocktracer.Start()
			defer mt.Stop()
			name, d := register(t, sqltest.Full)
			db := open(t, name, "", WithDBMPropagation(c.mode), WithServiceName("orders-db"))
			root, ctx := tracer.StartSpanFromContext(context.Background(), "root")
			mustExec(t, db, ctx, "UPDATE t")
			st, err := db.PrepareContext(ctx, "SELECT 1")
			if err != nil {
				t.Fatal(err)
			}
			st.Close()
			root.Finish()

			queries := d.Queries()
			if len(queries) != 2 {
				t.Fatalf("queries: %q", queries)
			}
			for i, q := range queries {
				if !strings.HasPrefix(q, "/*") || !strings.Contains(q, "dddbs='orders-db'") {
					t.Errorf("query %d has no service comment: %q", i, q)
				}
			}
			if m := traceparentRE.FindStringSubmatch(queries[1]); m != nil {
				t.Errorf("a prepared statement carries no trace context: %q", queries[1])
			}
			exec := spanOf(t, mt, "Exec")
			m := traceparentRE.FindStringSubmatch(queries[0])
			if (m != nil) != c.wantParent {
				t.Fatalf("Exec's comment %q: traceparent %v, want %v", queries[0], m != nil, c.wantParent)
			}
			injected := exec.Tag("_dd.dbm_trace_injected")
			if c.wantParent {
				if want := fmt.Sprintf("%016x", exec.SpanID()); m[2] != want {
					t.Errorf("traceparent names span %s, the span is %s", m[2], want)
				}
				if want := fmt.Sprintf("%016x", exec.TraceID()); !strings.HasSuffix(m[1], want) {
					t.Errorf("traceparent names trace %s, the span's is %s", m[1], want)
				}
				if injected != "true" {
					t.Errorf("_dd.dbm_trace_injected = %v, want true", injected)
				}
			} else if injected != nil {
				t.Errorf("_dd.dbm_trace_injected = %v without a trace context", injected)
			}
			if r := exec.Tag(ext.ResourceName); r != "UPDATE t" {
				t.Errorf("resource %q, want the query without its comment", r)
			}
		})
	}
}

func spanOf(t *testing.T, mt mocktracer.Tracer, qtype string) mocktracer.Span {
	t.Helper()
	for _, s := range mt.FinishedSpans() {
		if s.Tag("sql.query_type") == qtype {
			return s
		}
	}
	t.Fatalf("no %s span", qtype)
	return nil
}

// sqlServerDriver is the test driver registered as "sqlserver": the
// registry keeps a name's first registration.
var sqlServerDriver = &sqltest.Driver{}

func TestDBMFullModeDowngraded(t *testing.T) {
	for _, c := range []struct{ name, dsn string }{
		{"sqlserver", ""},
		{"", "sqlserver://sa@h/i"},
		{"", "oracle://u@h/s"},
	} {
		d, name := &sqltest.Driver{}, c.name
		if name == "" {
			name = fmt.Sprintf("sqltest%d", driverSeq.Add(1))
			Register(name, d)
		} else {
			d = sqlServerDriver
			Register(name, d)
		}
		before := len(d.Queries())
		db := open(t, name, c.dsn, WithDBMPropagation(tracer.DBMPropagationModeFull))
		db.Exec("UPDATE t")
		if q := d.Queries()[before:]; len(q) != 1 || !strings.Contains(q[0], "dddbs=") || strings.Contains(q[0], "traceparent") {
			t.Errorf("%s %s: want a service comment only, got %q", c.name, c.dsn, q)
		}
	}
	if sys, ok := fullModeUnsupported("postgres", &sqltest.Driver{}, "postgres://h/db"); ok {
		t.Errorf("PostgreSQL is taken for %s", sys)
	}
}

func TestDBMUnknownModeDisables(t *testing.T) {
	t.Setenv("DD_DBM_PROPAGATION_MODE", "everything")
	name, d := register(t, sqltest.Full)
	db := open(t, name, "")
	db.Exec("UPDATE t")
	if q := d.Queries(); len(q) != 1 || q[0] != "UPDATE t" {
		t.Errorf("queries %q, want the query as it was", q)
	}
}

func TestDBMModeFromEnvironment(t *testing.T) {
	t.Setenv("DD_DBM_PROPAGATION_MODE", "")
	t.Setenv("DD_TRACE_SQL_COMMENT_INJECTION_MODE", "service")
	name, d := register(t, sqltest.Full)
	db := open(t, name, "")
	db.Exec("UPDATE t")
	db2 := open(t, name, "", WithSQLCommentInjection(tracer.SQLInjectionDisabled))
	db2.Exec("UPDATE u")
	if q := d.Queries(); len(q) != 2 || !strings.HasPrefix(q[0], "/*dddbs=") || q[1] != "UPDATE u" {
		t.Errorf("queries %q", q)
	}
}

func TestWithSpanTags(t *testing.T) {
	mt := mocktracer.Start()
	defer mt.Stop()
	name, d := register(t, sqltest.Full)
	db := open(t, name, "", WithDBMPropagation(tracer.DBMPropagationModeService), WithCustomTag(ext.PeerService, "from-option"),
		WithIgnoreQueryTypes(QueryTypeConnect))
	ctx := WithSpanTags(context.Background(), map[string]string{"tenant": "acme", ext.PeerService: "from-context"})
	db.ExecContext(ctx, "UPDATE a")
	db.ExecContext(context.Background(), "UPDATE b")
	q := d.Queries()
	if len(q) != 2 || !strings.Contains(q[0], "ddprs='from-context'") || !strings.Contains(q[1], "ddprs='from-option'") {
		t.Errorf("queries %q", q)
	}
	spans := mt.FinishedSpans()
	if len(spans) != 2 || spans[0].Tag("tenant") != "acme" || spans[0].Tag(ext.PeerService) != "from-context" ||
		spans[1].Tag("tenant") != nil || spans[1].Tag(ext.PeerService) != "from-option" {
		t.Errorf("spans %v", spans)
	}
}
