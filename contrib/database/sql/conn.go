package sql

import (
	"context"
	"database/sql/driver"

	"github.com/ctxtrace/trace/contrib/database/sql/internal/sqlconn"
)

// QueryType is the kind of operation a span stands for: its
// sql.query_type tag, and its resource when there is no query.
type QueryType = sqlconn.QueryType

// The query types.
const (
	// QueryTypeConnect is used for Connect traces.
	QueryTypeConnect QueryType = sqlconn.QueryTypeConnect
	// QueryTypeQuery is used for Query traces.
	QueryTypeQuery = sqlconn.QueryTypeQuery
	// QueryTypePing is used for Ping traces.
	QueryTypePing = sqlconn.QueryTypePing
	// QueryTypePrepare is used for Prepare traces.
	QueryTypePrepare = sqlconn.QueryTypePrepare
	// QueryTypeExec is used for Exec traces.
	QueryTypeExec = sqlconn.QueryTypeExec
	// QueryTypeBegin is used for Begin traces.
	QueryTypeBegin = sqlconn.QueryTypeBegin
	// QueryTypeClose is used for Close traces.
	QueryTypeClose = sqlconn.QueryTypeClose
	// QueryTypeCommit is used for Commit traces.
	QueryTypeCommit = sqlconn.QueryTypeCommit
	// QueryTypeRollback is used for Rollback traces.
	QueryTypeRollback = sqlconn.QueryTypeRollback
)

var _ driver.Conn = (*TracedConn)(nil)

// TracedConn is a traced connection: the connections of the databases
// Open and OpenDB return. It embeds the traced connection that does the
// work, as dd-trace-go v1's embeds its v2's: its methods (BeginTx,
// PrepareContext, ExecContext, QueryContext, Ping, CheckNamedValue,
// ResetSession, IsValid, WrappedConn) and the wrapped driver.Conn (Conn)
// are promoted. It implements database/sql's optional interfaces whether
// or not the wrapped connection does, falling back as database/sql would
// without them; unlike dd-trace-go's, it forwards driver.Validator.
type TracedConn struct {
	sqlconn.TracedConn
}

// WithSpanTags returns a copy of ctx whose tags are set on the spans of
// the operations run with it (a peer.service among them also goes into
// DBM comments). In dd-trace-go v1.74.8 this function has no effect: its
// v1 package stores the tags under a key its v2 code never reads.
func WithSpanTags(ctx context.Context, tags map[string]string) context.Context {
	return sqlconn.WithSpanTags(ctx, tags)
}
