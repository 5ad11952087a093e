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
func stack(skip, depth int) string {
	if depth <= 0 {
		return ""
	}
	pcs := make([]uintptr, depth)
	n := runtime.Callers(skip+2, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var b strings.Builder
	for {
		f, more := frames.Next()
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
