//go:build !linux

package collector

import (
	"os"
	"runtime"
	"syscall"
)

// sysProcAttr: outside Linux there is no parent-death signal; t.Cleanup
// still kills the Collector when the test ends normally or fails.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// terminate asks for a graceful shutdown where signals exist, and kills
// where they do not (Windows).
func terminate(p *os.Process) error {
	if runtime.GOOS == "windows" {
		return p.Kill()
	}
	return p.Signal(os.Interrupt)
}
