// Package globalconfig holds the process-wide settings that dd-trace-go's
// tracer options set for the integrations (tracehttp and contrib/...) to
// read: the App Analytics rate, the headers recorded as tags, and whether
// integrations keep service names of their own.
package globalconfig

import (
	"math"
	"sync"
	"sync/atomic"
)

var analyticsRate atomic.Uint64 // float64 bits; NaN: not set

func init() { analyticsRate.Store(math.Float64bits(math.NaN())) }

// SetAnalyticsRate sets the App Analytics rate integrations put on their
// spans (_dd1.sr.eausr); NaN unsets it.
func SetAnalyticsRate(rate float64) { analyticsRate.Store(math.Float64bits(rate)) }

// AnalyticsRate returns the App Analytics rate, or NaN when none is set.
func AnalyticsRate() float64 { return math.Float64frombits(analyticsRate.Load()) }

var removeServiceNames atomic.Bool

// SetRemoveIntegrationServiceNames makes integrations use the tracer's
// service instead of names of their own (DD_TRACE_REMOVE_INTEGRATION_SERVICE_NAMES_ENABLED).
func SetRemoveIntegrationServiceNames(on bool) { removeServiceNames.Store(on) }

// RemoveIntegrationServiceNames reports whether integrations use the
// tracer's service.
func RemoveIntegrationServiceNames() bool { return removeServiceNames.Load() }

var (
	headerMu   sync.RWMutex
	headerTags []string
)

// SetHeaderTags replaces the headers recorded as tags, as dd-trace-go's
// WithHeaderTags and DD_TRACE_HEADER_TAGS give them: "header" or
// "header:tag".
func SetHeaderTags(entries []string) {
	headerMu.Lock()
	headerTags = append([]string(nil), entries...)
	headerMu.Unlock()
}

// HeaderTags returns the entries SetHeaderTags set. The slice must not be
// changed.
func HeaderTags() []string {
	headerMu.RLock()
	defer headerMu.RUnlock()
	return headerTags
}
