package ratelog

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Unix(1000, 0)
	l := &Limiter{Every: time.Second, Now: func() time.Time { return now }}
	if !l.Allow("a") {
		t.Fatal("the first warning was held back")
	}
	if l.Allow("a") {
		t.Error("a second warning within the interval was allowed")
	}
	if !l.Allow("b") {
		t.Error("another kind was held back")
	}
	now = now.Add(time.Second)
	if !l.Allow("a") {
		t.Error("a warning after the interval was held back")
	}
	var zero Limiter
	if !zero.Allow("x") || zero.Allow("x") {
		t.Error("the zero Limiter does not allow once per interval")
	}
}
