package interop

// TestDDAPISurface proves that dd-trace-go v1.74.8's public API exists here
// under the module prefix github.com/ctxtrace/trace, so a program moves over
// by replacing the prefix alone.
//
// It loads dd's packages (ddAPIPackages) with go/packages and generates a
// program, ddapi/ddapi.go, that uses every exported name of them: each
// function assigned to a variable of its exact signature, each variable by
// its address (so it must be a variable), each constant in a constant
// declaration, each type in a declaration, each method through a method
// expression of its signature, each struct field read with its type. The
// generated program is checked in; the test fails when it differs from
// what dd's source generates now (regenerate with -update), so a name
// cannot be forgotten.
//
// The same program with the prefix replaced is then type-checked against
// this module: every error is a name missing or different. Constants are
// compared by value too. Declarations whose signatures mention dd's v2
// module or dd's internal packages cannot have the same signature here;
// for them the program checks the name and kind only, and ddapiWeak lists
// them with the reason.
//
//	go test -run TestDDAPISurface -v [-update]

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

var update = flag.Bool("update", false, "rewrite generated files")

const (
	ddPrefix   = "gopkg.in/DataDog/dd-trace-go.v1"
	oursPrefix = "github.com/ctxtrace/trace"
)

// ddAPIPackages are the packages whose whole API must be here.
var ddAPIPackages = []string{"ddtrace", "ddtrace/ext", "ddtrace/tracer", "ddtrace/mocktracer", "profiler"}

func TestDDAPISurface(t *testing.T) {
	dd := loadTypes(t, ddPrefix, ddAPIPackages)
	prog := surfaceProgram(t, dd, ddAPIPackages, filepath.Join("ddapi", "ddapi.go"))
	reportErrors(t, buildPrograms(t, map[string][]byte{"ddapi": prog})["ddapi"])
	compareConstants(t, dd, loadTypes(t, oursPrefix, ddAPIPackages))
}

// ddContribPackages are dd-trace-go v1.74.8's integrations this SDK has,
// by their path under the module.
var ddContribPackages = []string{
	"contrib/net/http", "contrib/google.golang.org/grpc", "contrib/database/sql",
	"contrib/jmoiron/sqlx", "contrib/gorm.io/gorm.v1", "contrib/gin-gonic/gin",
	"contrib/labstack/echo.v4", "contrib/go-chi/chi.v5", "contrib/gorilla/mux",
	"contrib/redis/go-redis.v9", "contrib/aws/aws-sdk-go-v2/aws", "contrib/log/slog",
	"contrib/sirupsen/logrus",
}

// TestDDContribAPISurface does for each integration of ddContribPackages
// what TestDDAPISurface does for the core packages: a program generated
// from dd's package (ddapi/contrib/<name>/api.go, checked in) uses every
// exported name with its signature and is type-checked against ours with
// the prefix replaced. Every package is loaded, and every program built,
// in one go command each: a go command in this module costs seconds
// before it starts on the packages.
//
//	go test -run TestDDContribAPISurface -v [-update]
func TestDDContribAPISurface(t *testing.T) {
	dd := loadTypes(t, ddPrefix, ddContribPackages)
	ours := loadTypes(t, oursPrefix, ddContribPackages)
	if t.Failed() {
		return
	}
	progs := map[string][]byte{}
	for _, rel := range ddContribPackages {
		name := contribProgramName(rel)
		progs[name] = surfaceProgram(t, dd, []string{rel}, filepath.Join("ddapi", "contrib", name, "api.go"))
	}
	errs := buildPrograms(t, progs)
	for _, rel := range ddContribPackages {
		t.Run(rel, func(t *testing.T) {
			reportErrors(t, errs[contribProgramName(rel)])
			compareConstants(t, map[string]*types.Package{rel: dd[rel]}, ours)
		})
	}
}

// contribProgramName is the folder of rel's generated program.
func contribProgramName(rel string) string {
	return strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(strings.TrimPrefix(rel, "contrib/"))
}

// surfaceProgram generates the program that uses every exported name of
// rels (dd's packages, in dd), checks it is the one at path (rewriting it
// with -update), and returns it with the prefix replaced, for this module.
func surfaceProgram(t *testing.T, dd map[string]*types.Package, rels []string, path string) []byte {
	t.Helper()
	src, weak := generateUsage(dd, rels, filepath.Base(filepath.Dir(path)))
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if have, err := os.ReadFile(path); err != nil || !bytes.Equal(have, src) {
		t.Fatalf("%s is not what dd's API generates now (run with -update): %v", path, err)
	}
	t.Logf("%s: %d names and members used; %d checked by name and kind only (signatures with dd v2 or internal types)",
		path, bytes.Count(src, []byte("\n\t_ ")), len(weak))
	return bytes.ReplaceAll(withoutAbsent(t, src, len(rels) > 1), []byte(ddPrefix), []byte(oursPrefix))
}

// buildPrograms type-checks each program (by folder name) against this
// module in one go build, and returns the compiler's errors by program.
func buildPrograms(t *testing.T, progs map[string][]byte) map[string][]string {
	t.Helper()
	dir, err := os.MkdirTemp(".", "_ddapi-ours-") // "_": invisible to ./... patterns
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	args := []string{"build", "-gcflags=-e"}
	for name, src := range progs {
		if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name, "api.go"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "./"+filepath.Join(dir, name))
	}
	out, buildErr := exec.Command("go", args...).CombinedOutput()
	errs := map[string][]string{}
	found := false
	for _, line := range strings.Split(string(out), "\n") {
		file, msg, ok := strings.Cut(line, ".go:")
		if !ok {
			continue
		}
		found = true
		name := filepath.Base(filepath.Dir(file))
		if _, known := progs[name]; !known {
			t.Errorf("building the programs: %s", line)
			continue
		}
		errs[name] = append(errs[name], msg)
	}
	if buildErr != nil && !found {
		t.Fatalf("building the programs: %v: %s", buildErr, out)
	}
	return errs
}

// reportErrors fails for each error of a program with the prefix replaced.
func reportErrors(t *testing.T, errs []string) {
	t.Helper()
	for _, e := range errs {
		t.Errorf("with the prefix replaced: %s", e)
	}
	t.Logf("%d errors with the prefix replaced", len(errs))
}

// v2Bridge and msgpGenerated are the reasons of ddapiAbsent.
const (
	v2Bridge = "a bridge from dd-trace-go v1 to dd-trace-go v2: its signature names dd v2's types, " +
		"which this SDK does not depend on; a program that calls it imports dd v2 and keeps dd's tracer anyway"
	msgpGenerated = "serialization code generated by github.com/tinylib/msgp, whose signatures name msgp's types; " +
		"this SDK encodes with its own encoder and does not depend on msgp"
)

// ddapiAbsent are the uses of dd's names this SDK cannot have, by the text
// of the generated line that uses them, with the reason. The program
// checked against this module leaves those lines out.
var ddapiAbsent = map[string]string{
	"tracer.ApplyV1Options":                 v2Bridge,
	"tracer.ApplyV1FinishOptions":           v2Bridge,
	"tracer.WrapSpanV2":                     v2Bridge,
	"tracer.SpanContextV2Adapter":           v2Bridge,
	"mocktracer.MockspanV2Adapter":          v2Bridge,
	"(*ddtrace.SpanLink).DecodeMsg":         msgpGenerated,
	"(*ddtrace.SpanLink).EncodeMsg":         msgpGenerated,
	"(*ddtrace.SpanLink).Msgsize":           msgpGenerated,
	"(*tracer.TracerMetadata).DecodeMsg":    msgpGenerated,
	"(*tracer.TracerMetadata).EncodeMsg":    msgpGenerated,
	"(*tracer.TracerMetadata).MarshalMsg":   msgpGenerated,
	"(*tracer.TracerMetadata).Msgsize":      msgpGenerated,
	"(*tracer.TracerMetadata).UnmarshalMsg": msgpGenerated,
}

// withoutAbsent drops the lines of src that use a name of ddapiAbsent,
// and, when whole (the core packages' program), fails when an entry of
// ddapiAbsent matches no line (dd changed, or the entry is stale).
func withoutAbsent(t *testing.T, src []byte, whole bool) []byte {
	used := map[string]bool{}
	var out [][]byte
	for _, line := range bytes.Split(src, []byte("\n")) {
		drop := false
		for name := range ddapiAbsent {
			if bytes.Contains(line, []byte(name)) {
				used[name], drop = true, true
			}
		}
		if !drop {
			out = append(out, line)
		}
	}
	for name, why := range ddapiAbsent {
		if !whole && !used[name] {
			continue
		}
		if !used[name] {
			t.Errorf("ddapiAbsent lists %s, which dd's API no longer has", name)
		} else {
			t.Logf("left out: %s: %s", name, why)
		}
	}
	return bytes.Join(out, []byte("\n"))
}

// loadTypes loads the packages rels under prefix.
func loadTypes(t *testing.T, prefix string, rels []string) map[string]*types.Package {
	t.Helper()
	var paths []string
	for _, p := range rels {
		paths = append(paths, prefix+"/"+p)
	}
	pkgs, err := packages.Load(&packages.Config{Mode: packages.NeedTypes | packages.NeedName | packages.NeedImports | packages.NeedDeps}, paths...)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*types.Package{}
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			t.Errorf("loading %s: %v", p.PkgPath, p.Errors)
			continue
		}
		out[strings.TrimPrefix(p.PkgPath, prefix+"/")] = p.Types
	}
	return out
}

// compareConstants fails for every constant of dd whose value here differs.
func compareConstants(t *testing.T, dd, ours map[string]*types.Package) {
	n := 0
	for rel, p := range dd {
		for _, name := range p.Scope().Names() {
			c, ok := p.Scope().Lookup(name).(*types.Const)
			if !ok || !c.Exported() {
				continue
			}
			n++
			op := ours[rel]
			if op == nil {
				continue
			}
			o, ok := op.Scope().Lookup(name).(*types.Const)
			if !ok {
				continue // the program reports it
			}
			if c.Val().ExactString() != o.Val().ExactString() {
				t.Errorf("%s.%s = %s here, %s in dd", rel, name, o.Val().ExactString(), c.Val().ExactString())
			}
		}
	}
	t.Logf("%d constants compared by value", n)
}

// usage builds the generated program.
type usage struct {
	imports map[string]string // path -> name
	lines   []string
	consts  []string
	pkgName string   // the generated package's name
	rels    []string // dd's packages it uses
	weak    []string
}

func (u *usage) qualifier(p *types.Package) string {
	if name, ok := u.imports[p.Path()]; ok {
		return name
	}
	name := p.Name()
	for taken := true; taken; {
		taken = false
		for _, n := range u.imports {
			if n == name {
				name += "x"
				taken = true
			}
		}
	}
	u.imports[p.Path()] = name
	return name
}

// portable reports whether a type mentions only the standard library and
// dd's API packages, so that its spelling means the same after the prefix
// is replaced.
func (u *usage) portable(t types.Type) bool {
	ok := true
	if unexportedNamed.MatchString(types.TypeString(t, func(p *types.Package) string { return "Q" })) {
		return false
	}
	types.TypeString(t, func(p *types.Package) string {
		path := p.Path()
		rel, isDD := strings.CutPrefix(path, ddPrefix+"/")
		switch {
		case isDD && !slices.Contains(ddAPIPackages, rel) && !slices.Contains(u.rels, rel),
			strings.HasPrefix(path, "github.com/DataDog/"), strings.HasPrefix(path, "github.com/tinylib/"):
			ok = false // dd's internal or v2 packages, msgp: not here
		}
		return p.Name()
	})
	return ok
}

// unexportedNamed finds a package-qualified unexported type name in a
// type's spelling (every qualifier spelled Q).
var unexportedNamed = regexp.MustCompile(`\bQ\.[a-z_]`)

func (u *usage) add(portableType bool, strong, weak string) {
	if portableType {
		u.lines = append(u.lines, strong)
		return
	}
	u.lines = append(u.lines, weak)
	u.weak = append(u.weak, weak)
}

func generateUsage(dd map[string]*types.Package, rels []string, pkgName string) ([]byte, []string) {
	u := &usage{imports: map[string]string{}, pkgName: pkgName, rels: rels}
	for _, rel := range rels {
		p := dd[rel]
		q := u.qualifier(p)
		for _, name := range p.Scope().Names() {
			obj := p.Scope().Lookup(name)
			if !obj.Exported() {
				continue
			}
			ref := q + "." + name
			ts := func(t types.Type) string { return types.TypeString(t, u.qualifier) }
			switch o := obj.(type) {
			case *types.Func:
				sig := o.Type().(*types.Signature)
				if sig.TypeParams().Len() > 0 {
					u.add(false, "", fmt.Sprintf("_ = %s[%s]", ref, strings.Repeat("any, ", sig.TypeParams().Len())))
					continue
				}
				u.add(u.portable(sig), fmt.Sprintf("_ %s = %s", ts(sig), ref), fmt.Sprintf("_ = %s", ref))
			case *types.Var:
				u.add(u.portable(o.Type()), fmt.Sprintf("_ *%s = &%s", ts(o.Type()), ref), fmt.Sprintf("_ = &%s", ref))
			case *types.Const:
				u.consts = append(u.consts, "_ = "+ref)
				if b, ok := o.Type().(*types.Basic); (!ok || b.Info()&types.IsUntyped == 0) && u.portable(o.Type()) {
					u.lines = append(u.lines, fmt.Sprintf("_ %s = %s", ts(o.Type()), ref))
				}
			case *types.TypeName:
				u.typeUses(o, ref, ts)
			}
		}
	}
	return u.render(), u.weak
}

// typeUses declares a variable of the type and uses each method and
// field.
func (u *usage) typeUses(o *types.TypeName, ref string, ts func(types.Type) string) {
	u.lines = append(u.lines, fmt.Sprintf("_ *%s = nil", ref))
	t := o.Type()
	recv := types.NewPointer(t)
	if types.IsInterface(t) {
		recv = nil
	}
	var ms *types.MethodSet
	if recv != nil {
		ms = types.NewMethodSet(recv)
	} else {
		ms = types.NewMethodSet(t)
	}
	for m := range ms.Methods() {
		if !m.Obj().Exported() {
			continue
		}
		name := m.Obj().Name()
		sig := m.Type().(*types.Signature) // with the receiver as first parameter
		expr := fmt.Sprintf("(*%s).%s", ref, name)
		rt := "*" + ref
		if recv == nil {
			expr, rt = fmt.Sprintf("%s.%s", ref, name), ref
		}
		full := fmt.Sprintf("func(%s%s)%s", rt, params(sig, ts, true), results(sig, ts))
		u.add(u.portable(sig), fmt.Sprintf("_ %s = %s", full, expr), fmt.Sprintf("_ = %s", expr))
	}
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return
	}
	for f := range st.Fields() {
		if !f.Exported() {
			continue
		}
		u.add(u.portable(f.Type()), fmt.Sprintf("_ = func(x *%s) %s { return x.%s }", ref, ts(f.Type()), f.Name()),
			fmt.Sprintf("_ = func(x *%s) any { return x.%s }", ref, f.Name()))
	}
}

func params(sig *types.Signature, ts func(types.Type) string, leadingComma bool) string {
	var b strings.Builder
	for i := range sig.Params().Len() {
		if i > 0 || leadingComma {
			b.WriteString(", ")
		}
		t := sig.Params().At(i).Type()
		if sig.Variadic() && i == sig.Params().Len()-1 {
			b.WriteString("..." + ts(t.(*types.Slice).Elem()))
			continue
		}
		b.WriteString(ts(t))
	}
	return b.String()
}

func results(sig *types.Signature, ts func(types.Type) string) string {
	var parts []string
	for i := range sig.Results().Len() {
		parts = append(parts, ts(sig.Results().At(i).Type()))
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return " " + parts[0]
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

func (u *usage) render() []byte {
	var b bytes.Buffer
	b.WriteString("// Code generated by TestDDAPISurface -update; DO NOT EDIT.\n\n")
	b.WriteString("//lint:file-ignore SA1019 the program uses every name, the deprecated ones too\n\n")
	fmt.Fprintf(&b, "// Package %s uses every exported name of dd-trace-go v1.74.8's\n// %s.\npackage %s\n\nimport (\n", u.pkgName, strings.Join(u.rels, ", "), u.pkgName)
	paths := make([]string, 0, len(u.imports))
	for p := range u.imports {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	body := strings.Join(u.lines, "\n") + strings.Join(u.consts, "\n")
	for _, p := range paths {
		if !strings.Contains(body, u.imports[p]+".") {
			continue
		}
		fmt.Fprintf(&b, "\t%s %q\n", u.imports[p], p)
	}
	b.WriteString(")\n\nconst (\n")
	for _, l := range u.consts {
		b.WriteString("\t" + l + "\n")
	}
	b.WriteString(")\n\nvar (\n")
	for _, l := range u.lines {
		b.WriteString("\t" + l + "\n")
	}
	b.WriteString(")\n")
	out, err := format.Source(b.Bytes())
	if err != nil {
		return b.Bytes()
	}
	return out
}
