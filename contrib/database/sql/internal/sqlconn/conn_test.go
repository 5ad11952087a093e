package sqlconn

import (
	"context"
	"database/sql/driver"
	"errors"
	"testing"

	"github.com/ctxtrace/trace/contrib/internal/sqltest"
)

// checkingConn is a connection whose checker and validator say no.
type checkingConn struct{ driver.Conn }

func (checkingConn) CheckNamedValue(*driver.NamedValue) error { return driver.ErrRemoveArgument }
func (checkingConn) IsValid() bool                            { return false }

type checkingStmt struct{ driver.Stmt }

func (checkingStmt) CheckNamedValue(*driver.NamedValue) error { return errors.New("stmt says no") }

func TestForwarding(t *testing.T) {
	d := &sqltest.Driver{}
	c, _ := d.Open("")
	p := &Params{Cfg: &Config{}, DriverName: "x"}
	plain := &TracedConn{Conn: c, p: p}
	if !plain.IsValid() || !errors.Is(plain.CheckNamedValue(&driver.NamedValue{}), nil) || plain.ResetSession(context.Background()) != nil {
		t.Error("a full connection's own answers are forwarded")
	}
	tc := &TracedConn{Conn: checkingConn{c}, p: p}
	if tc.IsValid() || tc.CheckNamedValue(&driver.NamedValue{}) != driver.ErrRemoveArgument || tc.WrappedConn() != (checkingConn{c}) {
		t.Error("the connection's IsValid and CheckNamedValue are not forwarded")
	}
	m, _ := (&sqltest.Driver{Kind: sqltest.Minimal}).Open("")
	if bare := (&TracedConn{Conn: m, p: p}); !bare.IsValid() || bare.CheckNamedValue(nil) != driver.ErrSkip ||
		bare.ResetSession(context.Background()) != nil {
		t.Error("defaults for a connection without the interfaces")
	}
	st, _ := c.Prepare("SELECT 1")
	s := &tracedStmt{Stmt: checkingStmt{st}, conn: checkingConn{c}, p: p, ctx: context.Background()}
	if err := s.CheckNamedValue(nil); err == nil || err.Error() != "stmt says no" {
		t.Errorf("the statement's checker comes first: %v", err)
	}
	s = &tracedStmt{Stmt: st, conn: checkingConn{c}, p: p, ctx: context.Background()}
	if err := s.CheckNamedValue(nil); err != driver.ErrRemoveArgument {
		t.Errorf("then the connection's: %v", err)
	}
	s = &tracedStmt{Stmt: st, conn: m, p: p, ctx: context.Background()}
	if err := s.CheckNamedValue(nil); err != driver.ErrSkip {
		t.Errorf("then none: %v", err)
	}
}
