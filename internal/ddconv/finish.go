package ddconv

import (
	"math"

	"github.com/ctxtrace/trace"
	"github.com/ctxtrace/trace/ddtrace"
)

// DefaultStackFrames is how many frames an error's stack keeps when
// dd-trace-go's StackFrames asks for 0, as in dd-trace-go.
const DefaultStackFrames = 32

// FinishOptions returns the trace package's finish options that opts,
// applied in order to a ddtrace.FinishConfig, describe: finish time,
// stack depth (NoDebugStack, StackFrames) and error. Nil options are
// skipped.
func FinishOptions(opts []ddtrace.FinishOption) []trace.FinishOption {
	var cfg ddtrace.FinishConfig
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	out := make([]trace.FinishOption, 0, 3)
	if !cfg.FinishTime.IsZero() {
		out = append(out, trace.FinishTime(cfg.FinishTime))
	}
	switch {
	case cfg.NoDebugStack:
		out = append(out, trace.StackDepth(0, 0))
	case cfg.StackFrames > 0 || cfg.SkipStackFrames > 0:
		frames := cfg.StackFrames
		if frames == 0 {
			frames = DefaultStackFrames
		}
		out = append(out, trace.StackDepth(clampUint(frames), clampUint(cfg.SkipStackFrames)))
	}
	if cfg.Error != nil {
		out = append(out, trace.WithError(cfg.Error))
	}
	return out
}

// clampUint converts u to an int without wrapping to a negative one: past
// math.MaxInt32 it is math.MaxInt32, more frames than any stack holds.
func clampUint(u uint) int { return int(min(u, math.MaxInt32)) }
