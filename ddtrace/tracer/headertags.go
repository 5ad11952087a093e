package tracer

import (
	"strings"

	"github.com/ctxtrace/trace/internal/env"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

// headerTagsFromEnv sets, as dd-trace-go's Start does, the process-wide
// settings of HTTP integrations that the environment gives:
// DD_TRACE_HEADER_TAGS, a comma-separated list of "header" or
// "header:tag" entries (see WithHeaderTags), and
// DD_TRACE_ANALYTICS_ENABLED=true, App Analytics at a rate of 1 (see
// WithAnalytics). Unset, they leave the settings as they are; options
// given to Start apply after them.
func headerTagsFromEnv() []error {
	if v := env.String("DD_TRACE_HEADER_TAGS", ""); v != "" {
		globalconfig.SetHeaderTags(strings.Split(v, ","))
	}
	on, err := env.Bool("DD_TRACE_ANALYTICS_ENABLED", false)
	if on {
		globalconfig.SetAnalyticsRate(1)
	}
	if err != nil {
		return []error{err}
	}
	return nil
}
