package ext

// Process tags.
const (
	// Pid is the traced process's id, a metric on every span.
	Pid = "process_id"
)
