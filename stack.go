package trace

import (
	"runtime"
	"strconv"
	"strings"
)

// stack formats up to depth frames of the calling goroutine's stack, leaving
// out the skip innermost frames above stack's caller, in the layout
// dd-trace-go uses for error.stack: the function, then a tab, the file and
// the line.
func stack(skip, depth int) string { return formatStack(skip+1, depth, false) }

// panicStack is stack for a recovered panic: it also leaves out the
// runtime's own frames at the top (runtime.panicmem, mapassign, sigpanic...),
// so that the first frame is the code that panicked.
func panicStack(skip, depth int) string { return formatStack(skip+1, depth, true) }

// maxRuntimeFrames bounds how many runtime frames panicStack looks past.
const maxRuntimeFrames = 8

// maxStackDepth bounds every stack depth the tracer is given
// (WithStackDepth, StackDepth, tracer.StackFrames): a stack is captured
// into a buffer of that many frames, and no error.stack needs more.
const maxStackDepth = 256

// maxStackSkip bounds the frames a stack leaves out, so that adding the
// tracer's own frames to a huge skip cannot overflow.
const maxStackSkip = 1 << 20

// formatStack is stack and panicStack. A negative skip is a huge one that
// overflowed on its way here: it leaves out every frame.
func formatStack(skip, depth int, trimRuntime bool) string {
	if depth <= 0 || skip < 0 {
		return ""
	}
	depth, skip = min(depth, maxStackDepth), min(skip, maxStackSkip)
	extra := 0
	if trimRuntime {
		extra = maxRuntimeFrames
	}
	pcs := make([]uintptr, depth+extra)
	n := runtime.Callers(skip+2, pcs)
	if n == 0 {
		return "" // skip was past the outermost frame
	}
	frames := runtime.CallersFrames(pcs[:n])
	var b strings.Builder
	top, kept := true, 0
	for kept < depth {
		f, more := frames.Next()
		if top && trimRuntime && isRuntime(f.Function) && more {
			continue
		}
		top = false
		kept++
		b.WriteString(f.Function)
		b.WriteString("\n\t")
		b.WriteString(f.File)
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(f.Line))
		b.WriteByte('\n')
		if !more {
			break
		}
	}
	return b.String()
}

func isRuntime(fn string) bool {
	return strings.HasPrefix(fn, "runtime.") || strings.HasPrefix(fn, "internal/runtime/")
}
