package agent

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

func TestCgroupInode(t *testing.T) {
	dir := t.TempDir()
	mount := filepath.Join(dir, "cgroup")
	for _, d := range []string{"memory/v1node", "v2node"} {
		if err := os.MkdirAll(filepath.Join(mount, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	inode := func(rel string) string {
		fi, err := os.Stat(filepath.Join(mount, rel))
		if err != nil {
			t.Fatal(err)
		}
		return "in-" + strconv.FormatUint(fi.Sys().(*syscall.Stat_t).Ino, 10)
	}
	for _, tc := range []struct{ cgroup, want string }{
		{"9:cpu:/x\n4:memory:/v1node\n0::/v2node\n", inode("memory/v1node")},
		{"0::/v2node\n", inode("v2node")},
		{"4:memory:/missing\n0::/v2node\n", inode("v2node")},
		{"1:cpu:/v2node\ngarbage\n", ""},
	} {
		file := filepath.Join(dir, "self-cgroup")
		if err := os.WriteFile(file, []byte(tc.cgroup), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := cgroupInode(filepath.Join(dir, "no-ns"), file, mount); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.cgroup, got, tc.want)
		}
	}
	if got := cgroupInode(filepath.Join(dir, "no-ns"), filepath.Join(dir, "absent"), mount); got != "" {
		t.Errorf("no cgroup file: got %q", got)
	}
	// EntityID answers whatever this machine is, and never panics.
	t.Logf("EntityID here: %q, RuntimeID %q, ContainerID %q", EntityID(), RuntimeID(), ContainerID())
}
