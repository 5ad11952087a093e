package ext

// Sampling priorities: whether a trace is kept, and who decided. Set it
// before the trace's context leaves the process (a request, a goroutine of
// another service) for the decision to travel with it.
const (
	// PriorityUserReject drops the trace, by the user's decision (code or
	// configuration).
	PriorityUserReject = -1

	// PriorityAutoReject drops the trace, by the tracer's sampler.
	PriorityAutoReject = 0

	// PriorityAutoKeep keeps the trace, by the tracer's sampler.
	PriorityAutoKeep = 1

	// PriorityUserKeep keeps the trace, by the user's decision (code or
	// configuration).
	PriorityUserKeep = 2
)
