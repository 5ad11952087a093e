package agent

import (
	"bufio"
	"io"
	"os"
	"path"
	"strconv"
	"strings"
	"syscall"
)

// hostCgroupNamespace is the inode of the host's cgroup namespace, fixed by
// Linux (proc_ns.h): in it, the Agent needs no inode to find the process.
const hostCgroupNamespace = 0xEFFFFFFB

// cgroupInode returns "in-" and the inode of the process's cgroup node, or
// "" in the host's cgroup namespace (nsFile's inode) or when it cannot be
// read.
func cgroupInode(nsFile, cgroupFile, mount string) string {
	if fi, err := os.Stat(nsFile); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Ino == hostCgroupNamespace {
			return ""
		}
	}
	f, err := os.Open(cgroupFile)
	if err != nil {
		return ""
	}
	defer f.Close()
	nodes := cgroupNodes(f)
	for _, controller := range []string{"memory", ""} {
		node, ok := nodes[controller]
		if !ok {
			continue
		}
		fi, err := os.Stat(path.Join(mount, controller, node))
		if err != nil {
			continue
		}
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			return "in-" + strconv.FormatUint(st.Ino, 10)
		}
	}
	return ""
}

// cgroupNodes reads the cgroup paths of the memory controller (cgroup v1)
// and of the unified hierarchy (v2, controller "") from a cgroup file.
func cgroupNodes(r io.Reader) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) == 3 && (parts[1] == "memory" || parts[1] == "") {
			out[parts[1]] = parts[2]
		}
	}
	return out
}
