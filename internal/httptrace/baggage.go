package httptrace

import (
	"strings"
	"sync"

	"github.com/ctxtrace/trace"
	"os"
)

// EnvBaggageTagKeys names the baggage items a server span records, as
// "baggage.<key>" tags, from the context its request continues: keys
// separated by commas, or "*" for all. Unset, the keys are user.id,
// account.id and session.id, as in dd-trace-go; empty, none.
const EnvBaggageTagKeys = "DD_TRACE_BAGGAGE_TAG_KEYS"

type baggageKeys struct {
	all  bool
	keys []string
}

// baggageTagKeys is read from the environment on first use, as
// dd-trace-go reads it once.
var baggageTagKeys = sync.OnceValue(func() baggageKeys {
	v, ok := os.LookupEnv(EnvBaggageTagKeys)
	return parseBaggageKeys(v, ok)
})

func parseBaggageKeys(v string, set bool) baggageKeys {
	if !set {
		return baggageKeys{keys: []string{"user.id", "account.id", "session.id"}}
	}
	if v == "*" {
		return baggageKeys{all: true}
	}
	var b baggageKeys
	for k := range strings.SplitSeq(v, ",") {
		if k = strings.TrimSpace(k); k != "" {
			b.keys = append(b.keys, k)
		}
	}
	return b
}

// appendBaggageTags appends a "baggage.<key>" tag for each baggage item of
// sc that EnvBaggageTagKeys names.
func appendBaggageTags(dst []trace.SpanOption, sc trace.SpanContext) []trace.SpanOption {
	bk := baggageTagKeys()
	if bk.all {
		for k, v := range sc.Baggage() {
			dst = append(dst, trace.Tag("baggage."+k, v))
		}
		return dst
	}
	for _, k := range bk.keys {
		if v, ok := sc.BaggageItem(k); ok {
			dst = append(dst, trace.Tag("baggage."+k, v))
		}
	}
	return dst
}
