// Exercised lists the exported functions and methods of a module that no
// test or example runs.
//
// Usage, from the module's root:
//
//	go test -coverprofile=cover.out -coverpkg=./... ./...
//	go run ./internal/tools/exercised -profile cover.out
//
// It reads the coverage profile and the source of the module's packages
// (go/parser) and prints, one a line as "file:line: package.Name", every
// exported function, and every exported method of an exported type, none
// of whose statements ran. It exits 1 when it lists any, 2 when it cannot
// do its work (no go.mod, an unreadable profile or source file).
//
// The packages looked at are the module's directories that hold non-test
// Go files, except the directories named internal, testdata or cmd and
// what is under them, nested modules (a directory with a go.mod of its
// own) and directories whose name begins with "." or "_". Package main is
// left out wherever it is, and so are files go build leaves out on this
// platform (build constraints, file name suffixes) and functions without a
// body. A method counts as one of an exported type when its receiver's type
// is exported or is named by an exported alias (type T = t).
//
// A function counts as exercised when a coverage block inside its body
// (closures included) ran at least once, in any of the profile's test
// binaries. Examples count when they run, that is when they have an
// Output comment.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	profile := flag.String("profile", "", "coverage profile written by go test -coverprofile (required)")
	root := flag.String("root", ".", "the module's root directory (where its go.mod is)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: exercised -profile cover.out [-root dir]\n\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *profile == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	f, err := os.Open(*profile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "exercised:", err)
		os.Exit(2)
	}
	defer f.Close()
	missing, err := unexercised(*root, f)
	if err != nil {
		fmt.Fprintln(os.Stderr, "exercised:", err)
		os.Exit(2)
	}
	for _, m := range missing {
		fmt.Println(m)
	}
	if len(missing) > 0 {
		fmt.Fprintf(os.Stderr, "exercised: %d exported functions and methods run by no test or example\n", len(missing))
		os.Exit(1)
	}
}

// A finding is an exported function or method that no test ran.
type finding struct {
	file string // relative to the module's root, slash-separated
	line int
	name string // package.Func or package.(*T).Method
}

func (f finding) String() string { return fmt.Sprintf("%s:%d: %s", f.file, f.line, f.name) }

// unexercised returns the exported functions and methods of the module at
// root that the coverage profile shows no test ran, sorted by file and line.
func unexercised(root string, profile io.Reader) ([]finding, error) {
	modPath, err := modulePath(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil, err
	}
	blocks, err := readProfile(profile)
	if err != nil {
		return nil, err
	}
	dirs, err := packageDirs(root)
	if err != nil {
		return nil, err
	}
	var out []finding
	for _, dir := range dirs {
		importPath := modPath
		if dir != "." {
			importPath += "/" + dir
		}
		found, err := checkPackage(root, dir, importPath, blocks)
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	slices.SortFunc(out, func(a, b finding) int {
		if c := strings.Compare(a.file, b.file); c != 0 {
			return c
		}
		return a.line - b.line
	})
	return out, nil
}

// modulePath returns the module path a go.mod declares.
func modulePath(gomod string) (string, error) {
	b, err := os.ReadFile(gomod)
	if err != nil {
		return "", err
	}
	for line := range strings.Lines(string(b)) {
		fields := strings.Fields(line)
		if len(fields) >= 2 && fields[0] == "module" {
			if p, err := strconv.Unquote(fields[1]); err == nil {
				return p, nil
			}
			return fields[1], nil
		}
	}
	return "", fmt.Errorf("%s: no module line", gomod)
}

// packageDirs returns the directories under root, relative and
// slash-separated ("." for root), that may hold packages to check.
func packageDirs(root string) ([]string, error) {
	var dirs []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		if rel != "." {
			switch name := d.Name(); {
			case name == "internal", name == "testdata", name == "cmd",
				strings.HasPrefix(name, "."), strings.HasPrefix(name, "_"):
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir // a nested module
			}
		}
		dirs = append(dirs, filepath.ToSlash(rel))
		return nil
	})
	return dirs, err
}

// checkPackage returns the unexercised exported functions and methods of
// the package in dir (relative to root).
func checkPackage(root, dir, importPath string, blocks map[string][]block) ([]finding, error) {
	abs := filepath.Join(root, filepath.FromSlash(dir))
	entries, err := os.ReadDir(abs)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	var names []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		if ok, err := build.Default.MatchFile(abs, name); err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(abs, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if f.Name.Name == "main" {
			return nil, nil // a command: no API
		}
		files = append(files, f)
		names = append(names, name)
	}
	exportedTypes := exportedTypeNames(files)
	var out []finding
	for i, f := range files {
		rel := path.Join(dir, names[i])
		fileBlocks := blocks[importPath+"/"+names[i]]
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil || !fn.Name.IsExported() {
				continue
			}
			name := f.Name.Name + "." + fn.Name.Name
			if fn.Recv != nil {
				typ, ptr := receiverType(fn.Recv.List[0].Type)
				if !exportedTypes[typ] {
					continue
				}
				if ptr {
					name = fmt.Sprintf("%s.(*%s).%s", f.Name.Name, typ, fn.Name.Name)
				} else {
					name = fmt.Sprintf("%s.%s.%s", f.Name.Name, typ, fn.Name.Name)
				}
			}
			from, to := fset.Position(fn.Body.Lbrace), fset.Position(fn.Body.Rbrace)
			if !ran(fileBlocks, from, to) {
				out = append(out, finding{file: rel, line: fset.Position(fn.Pos()).Line, name: name})
			}
		}
	}
	return out, nil
}

// exportedTypeNames returns the names of the package's types that other
// packages can name: the exported ones and those an exported alias names.
func exportedTypeNames(files []*ast.File) map[string]bool {
	names := map[string]bool{}
	for _, f := range files {
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, spec := range gd.Specs {
				ts := spec.(*ast.TypeSpec)
				if !ts.Name.IsExported() {
					continue
				}
				names[ts.Name.Name] = true
				if ts.Assign.IsValid() {
					if id, ok := ast.Unparen(ts.Type).(*ast.Ident); ok {
						names[id.Name] = true
					}
				}
			}
		}
	}
	return names
}

// receiverType returns the name of a receiver's base type and whether the
// receiver is a pointer.
func receiverType(x ast.Expr) (name string, ptr bool) {
	for {
		switch t := x.(type) {
		case *ast.ParenExpr:
			x = t.X
		case *ast.StarExpr:
			x, ptr = t.X, true
		case *ast.IndexExpr: // T[P]
			x = t.X
		case *ast.IndexListExpr: // T[P, Q]
			x = t.X
		case *ast.Ident:
			return t.Name, ptr
		default:
			return "", ptr
		}
	}
}

// A block is one line of a coverage profile: a stretch of source and how
// many times it ran.
type block struct {
	startLine, startCol, endLine, endCol int
	count                                int
}

// ran reports whether a block that starts between from and to (a
// function body's braces) ran. Blocks do not straddle functions, so a
// block starting in a body is one of its own or of a closure in it.
func ran(blocks []block, from, to token.Position) bool {
	for _, b := range blocks {
		if b.count > 0 &&
			!before(b.startLine, b.startCol, from.Line, from.Column) &&
			!before(to.Line, to.Column, b.startLine, b.startCol) {
			return true
		}
	}
	return false
}

// before reports whether line l1, column c1 comes before l2, c2.
func before(l1, c1, l2, c2 int) bool { return l1 < l2 || l1 == l2 && c1 < c2 }

// profileLine is a block line of a profile:
// import/path/file.go:startLine.startCol,endLine.endCol statements count.
var profileLine = regexp.MustCompile(`^(.+):(\d+)\.(\d+),(\d+)\.(\d+) (\d+) (\d+)$`)

// readProfile reads a coverage profile (any mode) into its blocks by file
// name, as the profile names files: import path and base name.
func readProfile(r io.Reader) (map[string][]block, error) {
	blocks := map[string][]block{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if n == 1 {
			if !strings.HasPrefix(line, "mode: ") {
				return nil, fmt.Errorf("profile: line 1: want mode: line, have %q", line)
			}
			continue
		}
		if line == "" || strings.HasPrefix(line, "mode: ") {
			continue
		}
		m := profileLine.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("profile: line %d: malformed: %q", n, line)
		}
		var v [6]int
		for i := range v {
			x, err := strconv.Atoi(m[i+2])
			if err != nil {
				return nil, fmt.Errorf("profile: line %d: %v", n, err)
			}
			v[i] = x
		}
		blocks[m[1]] = append(blocks[m[1]], block{
			startLine: v[0], startCol: v[1], endLine: v[2], endCol: v[3], count: v[5],
		})
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, fmt.Errorf("profile: empty")
	}
	return blocks, nil
}
