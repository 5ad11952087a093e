package dogstatsd

import (
	"strconv"
	"strings"
)

// message is one metric, in DogStatsD's datagram format as datadog-go
// writes it:
//
//	name:value|type[|@rate][|#global1,global2,tag1,tag2][|c:container][|Ttimestamp]\n
//
// Every message ends in a newline, the last of a packet too.
type message struct {
	name  string
	typ   string // "g", "c" or "d"
	tags  []string
	value []byte // formatted value
	rate  []byte // formatted rate; nil when it is 1
	ts    []byte // formatted Unix seconds; nil for none
}

// size is the message's length once written, computed before writing so
// that a message that does not fit is never appended (appending would
// grow the packet buffer).
func (m *message) size(global []byte, container string) int {
	n := cleanLen(m.name) + 1 + len(m.value) + 1 + len(m.typ)
	if m.rate != nil {
		n += 2 + len(m.rate)
	}
	if len(global) > 0 || len(m.tags) > 0 {
		n += 2 + len(global)
		for i, t := range m.tags {
			if i > 0 || len(global) > 0 {
				n++
			}
			n += cleanLen(t)
		}
	}
	if container != "" {
		n += 3 + len(container)
	}
	if m.ts != nil {
		n += 2 + len(m.ts)
	}
	return n + 1
}

// appendTo writes the message, newline included.
func (m *message) appendTo(b, global []byte, container string) []byte {
	b = appendClean(b, m.name)
	b = append(b, ':')
	b = append(b, m.value...)
	b = append(b, '|')
	b = append(b, m.typ...)
	if m.rate != nil {
		b = append(b, "|@"...)
		b = append(b, m.rate...)
	}
	if len(global) > 0 || len(m.tags) > 0 {
		b = append(b, "|#"...)
		b = append(b, global...)
		for i, t := range m.tags {
			if i > 0 || len(global) > 0 {
				b = append(b, ',')
			}
			b = appendClean(b, t)
		}
	}
	if container != "" {
		b = append(b, "|c:"...)
		b = append(b, container...)
	}
	if m.ts != nil {
		b = append(b, "|T"...)
		b = append(b, m.ts...)
	}
	return append(b, '\n')
}

// cleanLen is the length of s without its newlines, which would end the
// message early; datadog-go drops them from tags the same way.
func cleanLen(s string) int { return len(s) - strings.Count(s, "\n") }

func appendClean(b []byte, s string) []byte {
	if strings.IndexByte(s, '\n') < 0 {
		return append(b, s...)
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '\n' {
			b = append(b, s[i])
		}
	}
	return b
}

// renderTags joins tags with commas, without newlines and without exact
// repeats (the first kept): the client's global tags, written into every
// message.
func renderTags(tags []string) []byte {
	var b []byte
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		if len(b) > 0 {
			b = append(b, ',')
		}
		b = appendClean(b, t)
	}
	return b
}

// Numbers are written as datadog-go writes them: floats in the shortest
// decimal form without an exponent, integers in base 10.
func appendFloat(b []byte, v float64) []byte { return strconv.AppendFloat(b, v, 'f', -1, 64) }
func appendInt(b []byte, v int64) []byte     { return strconv.AppendInt(b, v, 10) }
