package collector

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// CacheEnv names the environment variable that overrides where the
// Collector binary is cached (default: os.UserCacheDir()/ctxtrace-trace/otelcol).
const CacheEnv = "TRACE_OTELCOL_CACHE"

// The module files whose content decides the binary: a change to any of them
// builds a new one.
var sources = []string{"go.mod", "go.sum", filepath.Join("cmd", "otelcol", "main.go")}

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// Binary returns the path of the Collector built from cmd/otelcol, building
// it on first use. The binary is cached on disk under a hash of the module's
// go.mod, go.sum and main.go (and the Go version), so later runs reuse it; a
// build writes to a temporary name and renames it into place, so concurrent
// builds by several processes are safe (the last rename wins, with identical
// content). ctx bounds the build (a cold one takes about a minute and
// 750 MB).
func Binary(ctx context.Context) (string, error) {
	buildOnce.Do(func() { buildPath, buildErr = build(ctx) })
	return buildPath, buildErr
}

func build(ctx context.Context) (string, error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return "", err
	}
	sum, err := sourceHash(root)
	if err != nil {
		return "", err
	}
	dir, err := cacheDir()
	if err != nil {
		return "", err
	}
	exe := filepath.Join(dir, "otelcol-"+sum)
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	if _, err := os.Stat(exe); err == nil {
		return exe, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("collector: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "otelcol-build-*")
	if err != nil {
		return "", fmt.Errorf("collector: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name()) // gone after the rename; removes a failed build
	cmd := exec.CommandContext(ctx, "go", "build", "-o", tmp.Name(), "./cmd/otelcol")
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("collector: go build ./cmd/otelcol: %w\n%s", err, out.Bytes())
	}
	if err := os.Rename(tmp.Name(), exe); err != nil {
		return "", fmt.Errorf("collector: %w", err)
	}
	return exe, nil
}

// moduleRoot is the directory of this module's go.mod, found from the
// working directory as the go command finds it (tests run in their package's
// directory).
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("collector: go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("collector: not inside a module")
	}
	root := filepath.Dir(gomod)
	if _, err := os.Stat(filepath.Join(root, sources[2])); err != nil {
		return "", fmt.Errorf("collector: %s is not the module of cmd/otelcol: %w", root, err)
	}
	return root, nil
}

func sourceHash(root string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	for _, name := range sources {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			return "", fmt.Errorf("collector: %w", err)
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:20], nil
}

func cacheDir() (string, error) {
	dir := os.Getenv(CacheEnv)
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("collector: no cache directory (set %s): %w", CacheEnv, err)
		}
		dir = filepath.Join(base, "ctxtrace-trace", "otelcol")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("collector: %w", err)
	}
	return dir, nil
}
