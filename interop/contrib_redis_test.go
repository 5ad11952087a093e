package interop

// TestRedisSameWire runs one scenario against dd-trace-go v1.74.8's
// contrib/redis/go-redis.v9 and against ours, each with its own tracer and
// stand-in Agent and its own Redis stand-in on 127.0.0.1
// (internal/resptest): commands that succeed, a missing key (redis.Nil),
// server errors (INCR of text, an unknown command), commands sent with Do,
// pipelines that succeed and fail, a client wrapped with every option, one
// with analytics; the connections' redis.dial spans and the commands
// go-redis sends on each new connection (HELLO, CLIENT SETINFO, SELECT)
// come along. Both payloads are decoded with the Agent's decoders and
// compared span by span, every field and tag (compareContribSides). A
// difference fails the test unless redisKnownDiffs or rawCommandRule
// explains it; a listed difference or a rule that no longer happens fails
// it too.
//
// The scenario is written once per package (contrib_redis_dd_test.go,
// contrib_redis_ours_test.go); TestRedisScenariosIdentical fails when the
// two differ other than by name.
//
//	go test -run 'TestRedis' -v

import (
	"strings"
	"testing"

	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"

	"github.com/ctxtrace/trace/internal/resptest"
)

// redisKnownDiffs are the understood differences of TestRedisSameWire,
// keyed as compareSides names them, with the reason.
var redisKnownDiffs = map[string]string{
	// dd slices the command's text up to its first space for the
	// resource: a one-word command sent with Do has none, and dd panics
	// (slice bounds out of range [:-1]) before the command is sent.
	"step.do.one.word | meta outcome":              "dd panics on a one-word command sent with Do; we send it",
	"step.do.one.word | meta panicked":             "dd panics on a one-word command sent with Do; we send it",
	"step.do.one.word > redis.command ping | span": "dd panics on a one-word command sent with Do; we trace it",
	// The resource is the text up to its first space: for a typed
	// command without arguments, dd's text is "ping: " and its resource
	// "ping:". The spans are named by resource here, so the two sides'
	// ping spans do not meet (the fields of all others are compared).
	"step.ping > redis.command ping: | span": pingReason,
	"step.ping > redis.command ping | span":  pingReason,
	"chunks":                                 "follows from the span of step.do.one.word that dd does not make, and the ping spans' resources",
	// dd counts the spaces of its text (see rawCommandRule): a value with a
	// space counts twice, and a command sent with Do, which has no
	// placeholder, one less. We count the arguments, the command's name
	// included, which is dd's count for the others.
	"step.set > redis.command set | meta redis.args_length":            argsLengthReason,
	"step.do.args > redis.command SET | meta redis.args_length":        argsLengthReason,
	"step.do.unknown > redis.command nope | meta redis.args_length":    argsLengthReason,
	"step.other.unknown > redis.command nope | meta redis.args_length": argsLengthReason,
}

const (
	pingReason       = "dd's resource of a typed command without arguments ends with \":\" (\"ping:\"); ours is \"ping\""
	argsLengthReason = "dd's redis.args_length counts the spaces of its text; we count the arguments"
)

// rawCommandRule: dd takes Cmder.String before the command runs, when a
// typed command's text ends with ": " and the placeholder of its result
// (": 0", ": []", ": map[]"). We write the command and its arguments: the
// rule holds when each line of dd's text is ours, or ours followed by
// ": " and a placeholder.
var rawCommandRule = diffRule{
	reason: "dd's redis.raw_command ends with the placeholder of a result not yet received (\"get k: \"); we write the command alone",
	match: func(id string, dd, ours any) bool {
		d, o, ok := bothText(dd, ours)
		if !ok || !strings.HasSuffix(id, "| meta redis.raw_command") {
			return false
		}
		dl, ol := strings.Split(d, "\n"), strings.Split(o, "\n")
		if len(dl) != len(ol) {
			return false
		}
		for i := range dl {
			if dl[i] != ol[i] && !strings.HasPrefix(dl[i], ol[i]+": ") {
				return false
			}
		}
		return true
	},
}

func TestRedisScenariosIdentical(t *testing.T) {
	dd := funcSource(t, "contrib_redis_dd_test.go", "ddRedisScenario")
	ours := funcSource(t, "contrib_redis_ours_test.go", "oursRedisScenario")
	if dd != ours {
		t.Errorf("ddRedisScenario and oursRedisScenario differ; keep them identical\n--- dd\n%s\n--- ours\n%s", dd, ours)
	}
}

// TestRedisSameWire runs both sides against one server, emptied between
// them, so that out.host and out.port are the same.
func TestRedisSameWire(t *testing.T) {
	srv, err := resptest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	ddAgent, ourAgent := newFakeAgent(t, infoNoStats), newFakeAgent(t, infoNoStats)
	ddRedisScenario(t, ddAgent.addr(), srv.Addr(), ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
	srv.Reset()
	oursRedisScenario(t, ourAgent.addr(), srv.Addr())
	compareContribSides(t, ddAgent, ourAgent, redisKnownDiffs, rawCommandRule)
}
