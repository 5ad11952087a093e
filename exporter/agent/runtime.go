package agent

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"strings"
)

// runtimeID identifies this process to Datadog (the runtime-id tag): a
// random UUID, the same for every tracer in the process, as in dd-trace-go.
var runtimeID = newUUID()

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])  // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// The language headers the Agent records, as dd-trace-go sends them.
var (
	langVersion     = strings.TrimPrefix(runtime.Version(), "go")
	langInterpreter = runtime.Compiler + "-" + runtime.GOARCH + "-" + runtime.GOOS
)

// TracerVersion is sent as Datadog-Meta-Tracer-Version.
const TracerVersion = "ctxtrace/0.1.0"

// containerID reads the container this process runs in from its cgroup
// file, or returns "".
func containerID() string {
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return ""
	}
	defer f.Close()
	return parseContainerID(f)
}

// A container id as the runtimes write it in cgroup paths: 64 hex digits
// (Docker, containerd), a UUID (some Kubernetes setups, with _ or -), or an
// ECS task id with its suffix.
var containerRE = regexp.MustCompile(`([0-9a-f]{64})|([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})|([0-9a-f]{32}-[0-9]{10})`)

func parseContainerID(r io.Reader) string {
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	for sc.Scan() {
		// hierarchy-ID:controllers:path; the id is the path's last part.
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		path := parts[2]
		last := path[strings.LastIndexByte(path, '/')+1:]
		last = strings.TrimSuffix(last, ".scope")
		if m := containerRE.FindString(last); m != "" {
			return m
		}
	}
	return ""
}
