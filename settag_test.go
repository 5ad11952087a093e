package trace

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
)

// TestSetTagStack: the stack of an error set with SetTag starts at its
// caller.
func TestSetTagStack(t *testing.T) {
	tr := New()
	defer tr.Shutdown(context.Background())
	_, s := tr.Start(context.Background(), "op")
	s.SetTag("error", errors.New("x"))
	s.Finish()
	st, _ := (Snapshot{s}).Tag("error.stack")
	if first, _, _ := strings.Cut(st.String(), "\n"); !strings.Contains(first, "TestSetTagStack") {
		t.Errorf("error.stack starts with %q", first)
	}
}

// TestSetTagUsualValues: strings, float64s and ints, which SetTag converts
// first, are stored as toValue converts them, big integers included.
func TestSetTagUsualValues(t *testing.T) {
	tr := New()
	defer tr.Shutdown(context.Background())
	for _, v := range []any{"x", "", 0.25, math.NaN(), 1, -7, 1 << 53, -(1 << 53), math.MaxInt, math.MinInt} {
		_, s := tr.Start(context.Background(), "op")
		s.SetTag("k", v)
		s.Finish()
		got, _ := (Snapshot{s}).Tag("k")
		if want := toValue(v); !got.Equal(want) || got.IsNumber() != want.IsNumber() {
			t.Errorf("SetTag(%v) stored %v, toValue gives %v", v, got, want)
		}
	}
}
