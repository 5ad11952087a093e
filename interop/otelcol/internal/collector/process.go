package collector

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"time"
)

// launch starts the binary with the configuration file cfg, its output
// going to the file log.
func launch(exe, cfg, log string) (*process, error) {
	f, err := os.Create(log)
	if err != nil {
		return nil, fmt.Errorf("collector: %w", err)
	}
	cmd := exec.Command(exe, "--config", "file:"+cfg)
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		f.Close()
		return nil, fmt.Errorf("collector: start %s: %w", exe, err)
	}
	p := &process{cmd: cmd, log: log, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		f.Close()
		close(p.exited)
	}()
	return p, nil
}

// waitReady polls until both addresses accept connections, the process
// exits, or readyTimeout passes. The receivers start after the pipeline's
// exporters, so once they listen the Collector takes requests.
func (p *process) waitReady(addrs ...string) error {
	deadline := time.Now().Add(readyTimeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if listening(addrs) {
			select {
			case <-p.exited: // another process holds a port, and ours could not listen
				return fmt.Errorf("collector: exited at start: %v", p.err)
			default:
				return nil
			}
		}
		select {
		case <-p.exited:
			return fmt.Errorf("collector: exited before listening: %v", p.err)
		case <-tick.C:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("collector: not listening on %v after %v", addrs, readyTimeout)
		}
	}
}

func listening(addrs []string) bool {
	for _, a := range addrs {
		conn, err := net.DialTimeout("tcp", a, time.Second)
		if err != nil {
			return false
		}
		conn.Close()
	}
	return true
}

// stop asks the process to shut down (SIGTERM: the Collector drains its
// receivers and flushes its exporters), kills it after stopTimeout, and
// waits for it to exit.
func (p *process) stop() error {
	if err := terminate(p.cmd.Process); err != nil {
		select {
		case <-p.exited:
			return fmt.Errorf("collector: had exited: %v", p.err)
		default:
			return fmt.Errorf("collector: %w", err)
		}
	}
	timer := time.NewTimer(stopTimeout)
	defer timer.Stop()
	select {
	case <-p.exited:
		return nil
	case <-timer.C:
		p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("collector: killed after %v without exiting", stopTimeout)
	}
}

// tail returns the end of the log file, for error messages.
func tail(log string) []byte {
	b, err := os.ReadFile(log)
	if err != nil {
		return []byte(err.Error())
	}
	const max = 8 << 10
	if len(b) > max {
		b = b[len(b)-max:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return b
}
