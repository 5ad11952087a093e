package runtimemetrics

import (
	"fmt"
	"math"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
)

// Identity is what a tracer's metrics say about the program: the client
// tags dd-trace-go gives its DogStatsD client.
type Identity struct {
	Service, Env, Hostname string
	RuntimeID              string // the runtime-id of the tracer's spans
	TracerVersion          string
	// GlobalTags are the tracer's global tags (DD_TAGS, WithGlobalTag); as
	// in dd-trace-go, only those whose value is a string become tags.
	GlobalTags map[string]any
}

// Tags returns the identity as DogStatsD tags, in dd-trace-go's order:
// lang, lang_version, env, host, runtime-id and the global tags (sorted by
// key, where dd-trace-go follows its map's order), tracer_version,
// service. Empty values are left out.
func (id Identity) Tags() []string {
	tags := []string{"lang:go", "lang_version:" + runtime.Version()}
	add := func(k, v string) {
		if v != "" {
			tags = append(tags, k+":"+v)
		}
	}
	add("env", id.Env)
	add("host", id.Hostname)
	add("runtime-id", id.RuntimeID)
	keys := make([]string, 0, len(id.GlobalTags))
	for k := range id.GlobalTags {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if v, ok := id.GlobalTags[k].(string); ok && k != "" && (k != "runtime-id" || id.RuntimeID == "") {
			tags = append(tags, k+":"+v)
		}
	}
	add("tracer_version", id.TracerVersion)
	add("service", id.Service)
	return tags
}

// goTags are the tags of the second set: the Go version and the GC and
// scheduler settings, read once when collection starts.
func goTags() []string {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}, {Name: "/gc/gomemlimit:bytes"}, {Name: "/sched/gomaxprocs:threads"}}
	metrics.Read(s)
	tags := []string{"goversion:" + runtime.Version()}
	if s[0].Value.Kind() == metrics.KindUint64 {
		gogc := "off"
		if v := s[0].Value.Uint64(); v != math.MaxUint64 {
			gogc = strconv.FormatUint(v, 10)
		}
		tags = append(tags, "gogc:"+gogc)
	}
	if s[1].Value.Kind() == metrics.KindUint64 {
		limit := "unlimited"
		if v := s[1].Value.Uint64(); v != math.MaxInt64 {
			limit = formatBytes(v)
		}
		tags = append(tags, "gomemlimit:"+limit)
	}
	if s[2].Value.Kind() == metrics.KindUint64 {
		tags = append(tags, "gomaxprocs:"+strconv.FormatUint(s[2].Value.Uint64(), 10))
	}
	return tags
}

// formatBytes writes a size with a binary unit, rounded to a whole number:
// "512 B", "2 KiB", "1 GiB".
func formatBytes(n uint64) string {
	const units = "KMGTPE"
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := uint64(1024), 0
	for m := n / 1024; m >= 1024 && exp < len(units)-1; m /= 1024 {
		div *= 1024
		exp++
	}
	return fmt.Sprintf("%.0f %ciB", float64(n)/float64(div), units[exp])
}
