package stdout

import "io"

// DefaultBarWidth is how many cells the timing bar has unless WithBarWidth
// says otherwise.
const DefaultBarWidth = 24

// Option configures an Exporter; see New.
type Option func(*config)

type config struct {
	w        io.Writer
	json     bool
	color    bool
	colorSet bool // WithColor was given: no detection
	stacks   bool
	barWidth int
}

// WithJSON switches from the tree to JSON lines: one JSON object per span,
// one span per line, for tools such as jq. See the package documentation
// for the fields.
func WithJSON() Option { return func(c *config) { c.json = true } }

// WithColor turns ANSI colours on or off, whatever the writer is. Without
// it, colours are on only when the writer is an *os.File that is a
// character device (a terminal) and the environment variable NO_COLOR is
// unset or empty. JSON lines are never coloured.
func WithColor(on bool) Option {
	return func(c *config) { c.color, c.colorSet = on, true }
}

// WithStacks shows the whole error.stack of an error span under it in the
// tree. Default false: only the innermost frame is shown. JSON lines always
// carry the whole stack in meta.
func WithStacks(on bool) Option { return func(c *config) { c.stacks = on } }

// WithBarWidth sets how many cells the timing bar has. Default
// DefaultBarWidth; 0 (or less) leaves the bar out.
func WithBarWidth(cells int) Option {
	return func(c *config) { c.barWidth = max(cells, 0) }
}
