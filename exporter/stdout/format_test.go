package stdout

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ctxtrace/trace"
)

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{-1, "0ns"},
		{0, "0ns"},
		{850, "850ns"},
		{999, "999ns"},
		{time.Microsecond, "1µs"},
		{12 * time.Microsecond, "12µs"},
		{12500, "12.5µs"},
		{123456, "123.5µs"},
		{999940, "999.9µs"},
		{999960, "1ms"}, // rounds up into the next unit
		{1234567, "1.235ms"},
		{10 * time.Millisecond, "10ms"},
		{2500 * time.Millisecond, "2.5s"},
		{59999999999, "60s"},
		{time.Minute, "1m0s"},
		{90*time.Second + 540*time.Millisecond, "1m30.5s"},
		{26*time.Hour + 3*time.Minute, "26h3m0s"},
	}
	for _, tt := range tests {
		if got := formatDuration(tt.d); got != tt.want {
			t.Errorf("formatDuration(%d) = %q, want %q", int64(tt.d), got, tt.want)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		f    float64
		want string
	}{
		{0, "0"},
		{math.Copysign(0, -1), "0"},
		{200, "200"},
		{-42, "-42"},
		{1.5e6, "1500000"},
		{1e15, "1e+15"},
		{0.25, "0.25"},
		{1.0 / 3, "0.3333333333333333"},
		{1e-9, "1e-09"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "+Inf"},
		{math.Inf(-1), "-Inf"},
	}
	for _, tt := range tests {
		if got := formatNumber(tt.f); got != tt.want {
			t.Errorf("formatNumber(%v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"cut short", cut("abc", 3), "abc"},
		{"cut long", cut("abcdef", 4), "abc…"},
		{"cut runes", cut("héllo wörld", 8), "héllo w…"},
		{"cut 80", cut(strings.Repeat("x", 100), maxTagValue), strings.Repeat("x", 79) + "…"},
		{"one line", oneLine("SELECT *\n\t FROM t\r\n"), "SELECT * FROM t"},
		{"one line as is", oneLine("GET /cart"), "GET /cart"},
		{"quote plain", quote("u-42/ok"), "u-42/ok"},
		{"quote unicode", quote("café…"), "café…"},
		{"quote empty", quote(""), `""`},
		{"quote space", quote("a b"), `"a b"`},
		{"quote equals", quote("a=b"), `"a=b"`},
		{"quote quote", quote(`say "hi"`), `"say \"hi\""`},
		{"quote newline", quote("a\nb"), `"a\nb"`},
		{"quote invalid", quote("a\xffb"), `"a\xffb"`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

// TestColorDetection checks the default: colour for a character device
// (here /dev/null, which stands in for a terminal) unless NO_COLOR is set,
// never for anything else.
func TestColorDetection(t *testing.T) {
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Skip(err)
	}
	defer devNull.Close()
	regular, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer regular.Close()
	closed, err := os.Create(filepath.Join(t.TempDir(), "closed"))
	if err != nil {
		t.Fatal(err)
	}
	closed.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()

	tests := []struct {
		name    string
		noColor string // "-" for unset
		w       io.Writer
		opts    []Option
		want    bool
	}{
		{"character device", "-", devNull, []Option{}, true},
		{"character device, NO_COLOR empty", "", devNull, []Option{}, true},
		{"character device, NO_COLOR set", "1", devNull, []Option{}, false},
		{"character device, forced off", "-", devNull, []Option{WithColor(false)}, false},
		{"buffer", "-", &bytes.Buffer{}, []Option{}, false},
		{"buffer, forced on", "1", &bytes.Buffer{}, []Option{WithColor(true)}, true},
		{"regular file", "-", regular, []Option{}, false},
		{"pipe", "-", w, []Option{}, false},
		{"closed file", "-", closed, []Option{}, false},
		{"nil writer keeps os.Stdout", "1", nil, []Option{nil}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", tt.noColor) // restored after the test
			if tt.noColor == "-" {
				os.Unsetenv("NO_COLOR")
			}
			e := New(tt.w, tt.opts...)
			if e.cfg.color != tt.want {
				t.Errorf("colour = %t, want %t", e.cfg.color, tt.want)
			}
			if e.cfg.w == nil {
				t.Errorf("no writer")
			}
		})
	}
	if e := New(nil); e.cfg.w != os.Stdout || e.cfg.barWidth != DefaultBarWidth || e.cfg.json || e.cfg.stacks {
		t.Errorf("defaults: %+v", e.cfg)
	}
	if e := New(nil, WithBarWidth(-3)); e.cfg.barWidth != 0 {
		t.Errorf("WithBarWidth(-3) = %d cells, want 0", e.cfg.barWidth)
	}
}

// TestBufferRelease checks that a huge trace does not keep its buffer.
func TestBufferRelease(t *testing.T) {
	var r recorder
	tr := trace.New(trace.WithExporter(&r))
	_, s := tr.Start(context.Background(), "big")
	for i := range 60 {
		s.SetTag(fmt.Sprint("k", i), strings.Repeat("v", 20000))
	}
	s.Finish()
	tr.Shutdown(context.Background())

	var out bytes.Buffer
	e := New(&out, WithJSON())
	if err := e.Export(context.Background(), r.chunks); err != nil {
		t.Fatal(err)
	}
	if out.Len() < maxKeptBuffer {
		t.Fatalf("wrote only %d bytes", out.Len())
	}
	if c := e.buf.Cap(); c > maxKeptBuffer {
		t.Errorf("kept a buffer of %d bytes", c)
	}
}

type recorder struct{ chunks []trace.Chunk }

func (r *recorder) Export(_ context.Context, batch []trace.Chunk) error {
	r.chunks = append(r.chunks, batch...)
	return nil
}
func (r *recorder) Shutdown(context.Context) error { return nil }
