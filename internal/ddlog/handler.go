package ddlog

import (
	"context"
	"log/slog"
	"slices"
	"strings"
)

// Handler returns a log/slog handler that gives l one line per record at
// level or above: "LEVEL: message key=value ...", with the attributes of
// WithAttrs first and keys qualified by the open groups ("g.key").
func Handler(l Logger, level slog.Leveler) slog.Handler {
	return handler{l: l, level: level}
}

type handler struct {
	l      Logger
	level  slog.Leveler
	attrs  []slog.Attr // from WithAttrs, keys already qualified
	prefix string      // the open groups, "a.b.", or ""
}

func (h handler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level.Level() }

func (h handler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	b.WriteString(r.Level.String())
	b.WriteString(": ")
	b.WriteString(r.Message)
	for _, a := range h.attrs {
		b.WriteByte(' ')
		b.WriteString(a.String())
	}
	r.Attrs(func(a slog.Attr) bool {
		a.Key = h.prefix + a.Key
		b.WriteByte(' ')
		b.WriteString(a.String())
		return true
	})
	h.l.Log(b.String())
	return nil
}

func (h handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	h.attrs = slices.Clip(h.attrs)
	for _, a := range attrs {
		a.Key = h.prefix + a.Key
		h.attrs = append(h.attrs, a)
	}
	return h
}

func (h handler) WithGroup(name string) slog.Handler {
	if name != "" {
		h.prefix += name + "."
	}
	return h
}
