//go:build !linux

package agent

// cgroupInode is "" where there are no cgroups.
func cgroupInode(string, string, string) string { return "" }
