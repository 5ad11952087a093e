package agent

// What identifies this process to the Agent, for the other senders to the
// Agent (the profiler): the same runtime-id and container as the traces.

// RuntimeID returns the runtime-id tag this process's traces carry: a
// random UUID, the same for every tracer and profiler in the process.
func RuntimeID() string { return runtimeID }

// ContainerID returns the id of the container this process runs in, read
// from its cgroup file (the Datadog-Container-ID header), or "".
func ContainerID() string { return containerID() }

// EntityID returns the Datadog-Entity-ID header's value: "ci-" and the
// container id when there is one; otherwise, outside the host's cgroup
// namespace, "in-" and the inode of the process's cgroup node (the memory
// controller's on cgroup v1, the unified one on v2), from which the Agent
// finds the container; otherwise "".
func EntityID() string {
	if id := containerID(); id != "" {
		return "ci-" + id
	}
	return cgroupInode("/proc/self/ns/cgroup", "/proc/self/cgroup", "/sys/fs/cgroup")
}
