// Package sql traces database/sql: the connections, queries, statements
// and transactions of the databases it opens make spans, as dd-trace-go
// v1.74.8's contrib/database/sql makes them (same API, same spans), over
// this module's tracer. It works with any driver, and with the standard
// library of the Go versions this module supports (Go 1.25 and later).
//
// # Use
//
// Tell the package about the driver, then open databases through it:
//
//	sqltrace.Register("pgx", &stdlib.Driver{}, sqltrace.WithServiceName("orders-db"))
//	db, err := sqltrace.Open("pgx", "postgres://app@db.internal:5432/orders")
//
// Open also takes a driver that was only registered with database/sql
// (sql.Register), and OpenDB a driver.Connector (give its DSN with
// WithDSN). The rest of the program uses the *sql.DB as before. Pass a
// context that carries a span (QueryContext, ExecContext, BeginTx...) for
// the database's spans to join its trace.
//
// # Spans
//
// One span per operation, made when the operation returns: Connect, Ping,
// Prepare, Exec, Query, Begin, Commit, Rollback, and the Close of a
// prepared statement. Rows are not traced: a Query span ends when the
// driver has answered, before the rows are read.
//
//   - name: "<driver>.query" ("<db.system>.query" with
//     DD_TRACE_SPAN_ATTRIBUTE_SCHEMA=v1); service: WithServiceName, else
//     the service given to Register, else "<driver>.db" (the tracer's
//     service with schema v1 or DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED);
//     type "sql"; resource: the query, or the operation for those without
//     one ("Connect", "Commit"...).
//   - tags: component "database/sql", span.kind "client", db.system
//     ("mysql", "postgresql", "mssql", else "other_sql"), sql.query_type
//     (a QueryType), the tags the DSN gives (db.user, db.name,
//     db.application, out.host, out.port, db.mssql.instance_name),
//     WithCustomTag's, WithSpanTags's, _dd1.sr.eausr with App Analytics,
//     _dd.dbm_trace_injected with full DBM propagation.
//   - errors: the operation's error, unless WithErrorCheck says otherwise.
//     driver.ErrSkip, which a driver returns for an operation it does not
//     implement (database/sql then tries another way), makes no span.
//
// # Database Monitoring
//
// WithDBMPropagation (or DD_DBM_PROPAGATION_MODE) puts a comment before
// each query that tells Datadog Database Monitoring which service and, in
// full mode, which span it belongs to (see tracer.SQLCommentCarrier).
//
// # Differences from dd-trace-go v1.74.8
//
// Where dd-trace-go's behaviour is a slip, this package does the right
// thing instead:
//
//   - WithSpanTags works; dd's v1 package stores the tags under a key its
//     code never reads.
//   - WithCustomTag given to Register holds for the driver's databases;
//     dd drops it. WithIgnoreQueryTypes given to one Open stays with that
//     database; dd adds the types to the registered driver's set, so they
//     leak into its later databases.
//   - An unknown DBM propagation mode disables the comments, with a
//     warning; dd sends empty queries.
//   - Open names the spans after the name it is given; dd names them
//     after the last name the driver's type was registered under.
//   - Nil input does not panic: Register ignores a nil driver, OpenDB of a
//     nil connector gives a database whose every use fails, and a nil
//     Option is skipped.
//   - The connections forward driver.Validator (IsValid) and statements
//     driver.NamedValueChecker to the driver's; closing the database
//     closes the driver's connector when it is an io.Closer.
//   - SQL Server DSN values are tagged as they are; dd escapes their
//     spaces, quotes and backslashes.
//
// The Go execution tracer (runtime/trace) sees each operation as a task,
// as in dd-trace-go.
package sql
