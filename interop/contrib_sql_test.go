package interop

// TestSQLSameWire, TestSQLXSameWire and TestGormSameWire run one program
// body against dd-trace-go v1.74.8's contrib/database/sql,
// contrib/jmoiron/sqlx and contrib/gorm.io/gorm.v1 and against ours, over
// a real database (modernc's pure-Go SQLite, a file per database), each
// tracer sending to its own stand-in Agent. The bodies are written once
// per package (contrib_sql_dd_test.go / contrib_sql_ours_test.go and the
// sqlx and gorm pairs); TestSQLScenariosIdentical fails when a pair
// differs other than by name.
//
// database/sql: create a table, insert, select (rows and a row), a failed
// query and a failed insert, prepared statements, a transaction committed
// and one rolled back, a ping, WithSpanTags, a query without a parent;
// every option (service, analytics, custom tag, ignored type, error
// check, child spans only, full DBM propagation); tags from PostgreSQL,
// MySQL and SQL Server DSNs with service and full DBM propagation; options
// given to Register; a driver known only to database/sql, and one known
// to neither.
//
// Both payloads are decoded with the Agent's decoders and compared span by
// span, every field and tag, with compareSides; as every SQL span has its
// driver's name, spans are known by their place in their trace (see
// readSQLSide). The queries the database received are compared too, DBM
// comments included, ids masked. A difference fails the test unless the
// integration's known list names it with its reason; a listed difference
// that no longer happens fails it too.
//
//	go test -run 'TestSQL|TestGorm' -v

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	pb "github.com/DataDog/datadog-agent/pkg/proto/pbgo/trace"
	"github.com/google/go-cmp/cmp"
	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

// sqlKnownDiffs are the understood differences of TestSQLSameWire, keyed
// as compareSides names them, with the reason.
var sqlKnownDiffs = map[string]string{
	// dd-trace-go v1's WithSpanTags stores the tags under its v1 package's
	// context key, which its v2 code (that v1 runs) never reads.
	"step.spantags > sqlite.query Exec UPDATE items SET name = name WHERE id = 2 | meta tenant": "dd v1's WithSpanTags has no effect; ours sets the tags",

	// dd drops WithCustomTag given to Register (its Open copies the other
	// registered options, not the tags).
	"step.registered.a > sqlite-registered.query Connect | meta registered":          "dd drops WithCustomTag given to Register",
	"step.registered.a > sqlite-registered.query Prepare SELECT 1 | meta registered": "dd drops WithCustomTag given to Register",
	"step.registered.b > sqlite-registered.query Connect | meta registered":          "dd drops WithCustomTag given to Register",
	"step.registered.b > sqlite-registered.query Prepare SELECT 1 | meta registered": "dd drops WithCustomTag given to Register",
	// dd adds the query types one Open ignores to the registered driver's
	// set: the second database of the driver loses its Close spans too.
	"step.registered.b > sqlite-registered.query Close | span": "dd leaks WithIgnoreQueryTypes from one Open into the driver's later databases",
	"chunks": "follows from the Close span dd leaves out (the chunks list every span)",
}

// sqlRun is what the parts of a scenario share.
type sqlRun struct {
	t    *testing.T
	dir  string
	drv  *sqlDrivers
	step func(name string, fn func(ctx context.Context)) // runs fn under a root span named name
}

// must fails the test on an error.
func (r sqlRun) must(err error) {
	if err != nil {
		r.t.Helper()
		r.t.Fatal(err)
	}
}

// gormItem is the gorm scenario's model, a row of its table items.
type gormItem struct {
	ID   uint
	Name string
}

// TableName is the model's table for gorm.
func (gormItem) TableName() string { return "items" }

// TestSQLScenariosIdentical checks that each function of a dd scenario
// file has its twin in the ours file, identical once the names of the
// file's functions ("dd..." and "ours...") are set aside.
func TestSQLScenariosIdentical(t *testing.T) {
	for _, f := range []string{"contrib_sql", "contrib_sql_sqlx", "contrib_sql_gorm"} {
		dd, ours := scenarioFuncs(t, f+"_dd_test.go", "dd"), scenarioFuncs(t, f+"_ours_test.go", "ours")
		if diff := cmp.Diff(dd, ours); diff != "" {
			t.Errorf("%s: the dd and ours scenarios differ; keep them identical (-dd +ours):\n%s", f, diff)
		}
	}
}

// scenarioFuncs returns the functions of file, by name less prefix, each
// printed (signature and body) with the prefix of the calls to the file's
// functions replaced by "<side>".
func scenarioFuncs(t *testing.T, file, prefix string) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", file, err)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			var b strings.Builder
			printer.Fprint(&b, fset, fd.Type)
			b.WriteString(" ")
			printer.Fprint(&b, fset, fd.Body)
			src := regexp.MustCompile(`\b`+prefix+`([A-Z][A-Za-z]*)\(`).ReplaceAllString(b.String(), "<side>$1(")
			out[strings.TrimPrefix(fd.Name.Name, prefix)] = src
		}
	}
	return out
}

func TestSQLSameWire(t *testing.T) {
	ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
	ddFrom, ourFrom := ddSQLDrivers.rec.count(), ourSQLDrivers.rec.count()
	ddSQLScenario(t, ddAgent.addr(), t.TempDir(), ddSQLDrivers, ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	oursSQLScenario(t, ourAgent.addr(), t.TempDir(), ourSQLDrivers)
	compareSQLSides(t, ddAgent, ourAgent, sqlKnownDiffs)
	compareQueries(t, ddSQLDrivers.rec.recorded(ddFrom), ourSQLDrivers.rec.recorded(ourFrom))
}

// compareSQLSides reads both Agents' payloads with readSQLSide, compares
// them, and fails on a difference known does not list, or a listed one
// not seen.
func compareSQLSides(t *testing.T, ddAgent, ourAgent *fakeAgent, known map[string]string) {
	t.Helper()
	dd, ours := readSQLSide(t, "dd", ddAgent.traceRequests()), readSQLSide(t, "ours", ourAgent.traceRequests())
	for _, req := range ourAgent.traceRequests() {
		rawCheck(t, "ours", req.Body, map[string]bool{})
	}
	if t.Failed() {
		return
	}
	dd.reqs, ours.reqs = nil, nil // payload boundaries depend on flush timing
	found := map[string]bool{}
	for _, d := range compareSides(dd, ours) {
		if reason, ok := known[d.id]; ok {
			found[d.id] = true
			t.Logf("known difference %s: %s (%s)", d.id, d.detail, reason)
			continue
		}
		t.Errorf("difference %s: %s", d.id, d.detail)
	}
	staleDiffs(t, known, found)
	t.Logf("compared side by side: dd %d spans, ours %d spans, in %d and %d chunks",
		len(dd.spans), len(ours.spans), len(dd.chunks), len(ours.chunks))
}

// readSQLSide is readSide for traces whose spans share names: each span is
// known as "root > span", root the description of its trace's root, and
// each description its name, sql.query_type and resource (clipped), with
// "#n" for the nth span of one description in its trace (or among the
// roots), in start order. A span's parent is then a field compareSides
// compares, not part of its name.
func readSQLSide(t *testing.T, who string, reqs []recordedRequest) side {
	t.Helper()
	s := side{reqs: reqs, spans: map[string]*pb.Span{}, byID: map[uint64]string{}, heads: map[string]bool{}}
	if len(reqs) == 0 {
		t.Errorf("%s: no trace payload received", who)
	}
	var chunks [][]*pb.Span
	var all []*pb.Span
	byID := map[uint64]*pb.Span{}
	for ri, r := range reqs {
		tr, tp, err := decodeBoth(r.Body)
		if err != nil {
			t.Errorf("%s: payload %d: %v", who, ri, err)
			continue
		}
		for _, d := range idxDisagreements(tr, tp) {
			t.Errorf("%s: payload %d: decoders disagree: %s", who, ri, d)
		}
		for _, chunk := range tr {
			chunks = append(chunks, chunk)
			for _, sp := range chunk {
				all = append(all, sp)
				byID[sp.SpanID] = sp
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Start < all[j].Start })
	root := func(sp *pb.Span) *pb.Span {
		for i := 0; i < len(all); i++ { // bounded: a cycle cannot hang the test
			p, ok := byID[sp.ParentID]
			if !ok {
				break
			}
			sp = p
		}
		return sp
	}
	seen := map[string]int{}
	for _, sp := range all { // roots first: a root starts before its trace
		key := sqlLabel(sp)
		if r := root(sp); r != sp {
			key = s.byID[r.SpanID] + " > " + key
		}
		if seen[key]++; seen[key] > 1 {
			key += fmt.Sprintf("#%d", seen[key])
		}
		s.spans[key], s.byID[sp.SpanID] = sp, key
	}
	for _, chunk := range chunks {
		var names []string
		for i, sp := range chunk {
			names = append(names, s.byID[sp.SpanID])
			if i == 0 {
				s.heads[s.byID[sp.SpanID]] = true
			}
		}
		sort.Strings(names)
		s.chunks = append(s.chunks, strings.Join(names, ","))
	}
	sort.Strings(s.chunks)
	return s
}

// sqlLabel describes a span for readSQLSide: its name, its
// sql.query_type if any, and its resource, clipped, when it is neither.
func sqlLabel(sp *pb.Span) string {
	label := sp.Name
	if qt, ok := sp.Meta["sql.query_type"]; ok {
		label += " " + qt
	}
	if r := sp.Resource; r != sp.Name && r != sp.Meta["sql.query_type"] {
		if len(r) > 60 {
			r = r[:60] + "..."
		}
		label += " " + r
	}
	return label
}

// dbmIDs matches what differs by nature in DBM comments: the ids of a
// traceparent.
var dbmIDs = regexp.MustCompile(`traceparent='00-[0-9a-f]{32}-[0-9a-f]{16}-`)

// compareQueries compares the queries both databases received, in order,
// DBM comments included, ids masked.
func compareQueries(t *testing.T, dd, ours []string) {
	t.Helper()
	mask := func(qs []string) []string {
		out := slices.Clone(qs)
		for i, q := range out {
			out[i] = dbmIDs.ReplaceAllString(q, "traceparent='00-<trace>-<span>-")
		}
		return out
	}
	if diff := cmp.Diff(mask(dd), mask(ours)); diff != "" {
		t.Errorf("queries received by the database (-dd +ours):\n%s", diff)
	}
	comments := 0
	for _, q := range dd {
		if strings.HasPrefix(q, "/*") {
			comments++
		}
	}
	t.Logf("compared %d queries, %d with DBM comments", len(dd), comments)
}

// sqlxKnownDiffs are the understood differences of TestSQLXSameWire.
var sqlxKnownDiffs = map[string]string{}

// TestSQLXSameWire: sqlx's Open with an option, MustExec, NamedExec with a
// slice, Get, Select, In and Rebind, a failed query, sql.ErrNoRows, a
// transaction, a prepared statement; Connect, MustConnect and MustOpen.
func TestSQLXSameWire(t *testing.T) {
	ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
	ddFrom, ourFrom := ddSQLDrivers.rec.count(), ourSQLDrivers.rec.count()
	ddSQLXScenario(t, ddAgent.addr(), t.TempDir(), ddSQLDrivers, ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	oursSQLXScenario(t, ourAgent.addr(), t.TempDir(), ourSQLDrivers)
	compareSQLSides(t, ddAgent, ourAgent, sqlxKnownDiffs)
	compareQueries(t, ddSQLDrivers.rec.recorded(ddFrom), ourSQLDrivers.rec.recorded(ourFrom))
}

// gormKnownDiffs are the understood differences of TestGormSameWire.
var gormKnownDiffs = map[string]string{
	// WithCustomTag's function "will be evaluated after executing a
	// query", dd's documentation says; dd calls it before, when the rows
	// affected are still 0.
	"gorm.options > gorm.create INSERT INTO `items` (`name`) VALUES (?) RETURNING `id` | metric rows": customTagAfter,
	"gorm.options > gorm.update UPDATE `items` SET `name`=? WHERE `id` = ? | metric rows":             customTagAfter,
	"gorm.reused > gorm.query SELECT count(*) FROM `items` WHERE id > ? | metric rows":                customTagAfter,

	// dd leaves the span's context in a statement gorm reuses, so the
	// second operation on it becomes a child of the first, finished; we
	// give the statement its context back.
	"gorm.reused > gorm.query SELECT * FROM `items` WHERE id > ? | parent": reusedStatement,
	// Then, its parent being of another service, the span is top-level,
	// which the exporter marks (as both do for other top-level spans).
	"gorm.reused > gorm.query SELECT * FROM `items` WHERE id > ? | metric _dd.top_level":                   reusedStatement,
	"gorm.reused > gorm.query SELECT * FROM `items` WHERE id > ? | metric _dd.trace_span_attribute_schema": reusedStatement,
}

const (
	customTagAfter  = "dd calls WithCustomTag's function before the operation, though documented after; we call it after"
	reusedStatement = "dd makes an operation on a reused gorm statement a child of the previous one, finished; ours is a child of the caller's span"
)

// TestGormSameWire: gorm's Open and the plugin with every option over a
// traced database; create (in gorm's transaction, with RETURNING), first,
// update, raw scan, row, delete, a missing row, a failed statement, a dry
// run; a statement used twice.
func TestGormSameWire(t *testing.T) {
	ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
	ddFrom, ourFrom := ddSQLDrivers.rec.count(), ourSQLDrivers.rec.count()
	ddGormScenario(t, ddAgent.addr(), t.TempDir(), ddSQLDrivers, ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	oursGormScenario(t, ourAgent.addr(), t.TempDir(), ourSQLDrivers)
	compareSQLSides(t, ddAgent, ourAgent, gormKnownDiffs)
	compareQueries(t, ddSQLDrivers.rec.recorded(ddFrom), ourSQLDrivers.rec.recorded(ourFrom))
}
