package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// module is a small module: file name to content.
var module = map[string]string{
	"go.mod": "module example.com/m\n\ngo 1.25\n",
	"a.go": `package a

func F() int {
	return 1
}

func G() int {
	return 2
}

type T struct{}

func (*T) M() {}

func (T) N() {
	func() {
		_ = 1
	}()
}

type u struct{}

func (u) U() {}

func f() {}

type A = v

type v struct{}

func (*v) V() {}
`,
	"a_test.go":            "package a\n\nimport \"testing\"\n\nfunc TestX(t *testing.T) {}\n",
	"ignored.go":           "//go:build ignore\n\npackage a\n\nfunc Ignored() {}\n",
	"sub/b.go":             "package sub\n\nfunc H() {}\n",
	"internal/x/x.go":      "package x\n\nfunc X() {}\n",
	"cmd/c/main.go":        "package main\n\nfunc Main() {}\n\nfunc main() {}\n",
	"tool/main.go":         "package main\n\nfunc Tool() {}\n\nfunc main() {}\n",
	"nested/go.mod":        "module example.com/m/nested\n",
	"nested/n.go":          "package nested\n\nfunc N() {}\n",
	"testdata/t.go":        "package t\n\nfunc T() {}\n",
	"_skip/s.go":           "package s\n\nfunc S() {}\n",
	"sub/internal/y/y.go":  "package y\n\nfunc Y() {}\n",
	"sub/doc_only/doc.go":  "// Package doc_only has no functions.\npackage doc_only\n",
	"sub/generic/g.go":     "package generic\n\ntype L[E any] struct{}\n\nfunc (l *L[E]) Len() int { return 0 }\n",
	"sub/generic/g2.go":    "package generic\n\ntype P[K comparable, V any] struct{}\n\nfunc (P[K, V]) Get() {}\n",
	"sub/generic/other.go": "package generic\n\nfunc Covered() {}\n",
}

const profile = `mode: atomic
example.com/m/a.go:3.14,5.2 1 1
example.com/m/a.go:7.14,9.2 1 0
example.com/m/a.go:13.15,13.17 0 0
example.com/m/a.go:15.14,16.9 1 0
example.com/m/a.go:16.9,18.3 1 2
example.com/m/a.go:23.14,23.16 0 0
example.com/m/a.go:25.10,25.12 0 0
example.com/m/a.go:31.16,31.18 0 0
example.com/m/sub/generic/other.go:3.17,3.19 0 0
example.com/m/sub/generic/other.go:3.17,3.19 0 1
example.com/m/sub/generic/g.go:5.26,5.37 1 0
`

func writeModule(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range module {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func TestUnexercised(t *testing.T) {
	root := writeModule(t)
	found, err := unexercised(root, strings.NewReader(profile))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range found {
		got = append(got, f.String())
	}
	want := []string{
		"a.go:7: a.G",
		"a.go:13: a.(*T).M",
		"a.go:31: a.(*v).V", // v is exported as A
		"sub/b.go:3: sub.H", // absent from the profile
		"sub/generic/g.go:5: generic.(*L).Len",
		"sub/generic/g2.go:5: generic.P.Get",
	}
	if !slices.Equal(got, want) {
		t.Errorf("unexercised:\n got %q\nwant %q", got, want)
	}
}

func TestBadProfile(t *testing.T) {
	root := writeModule(t)
	for _, p := range []string{
		"",
		"example.com/m/a.go:3.14,5.2 1 1\n",
		"mode: set\nexample.com/m/a.go:3.14,5.2 1\n",
	} {
		if _, err := unexercised(root, strings.NewReader(p)); err == nil {
			t.Errorf("profile %q: no error", p)
		}
	}
	if _, err := unexercised(t.TempDir(), strings.NewReader(profile)); err == nil {
		t.Error("no go.mod: no error")
	}
}
