package collector

import (
	"os"
	"syscall"
)

// sysProcAttr has the kernel kill the Collector if the test process dies
// without running its cleanups (a timeout panic, a signal), so that no
// Collector outlives its test.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

func terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }
