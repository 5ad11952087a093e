package sqlconn

import (
	"context"
	"database/sql/driver"
)

var _ driver.Tx = (*tracedTx)(nil)

// tracedTx is a traced transaction.
type tracedTx struct {
	driver.Tx
	p   *Params
	ctx context.Context // BeginTx's
}

// Commit commits, with a Commit span under the span the context given to
// BeginTx carried.
func (t *tracedTx) Commit() error {
	ctx, end := StartTask(t.ctx, QueryTypeCommit)
	defer end()
	start := Now()
	err := t.Tx.Commit()
	t.p.Trace(ctx, QueryTypeCommit, "", start, err, 0, false)
	return err
}

// Rollback rolls back, with a Rollback span under the span the context
// given to BeginTx carried.
func (t *tracedTx) Rollback() error {
	ctx, end := StartTask(t.ctx, QueryTypeRollback)
	defer end()
	start := Now()
	err := t.Tx.Rollback()
	t.p.Trace(ctx, QueryTypeRollback, "", start, err, 0, false)
	return err
}
