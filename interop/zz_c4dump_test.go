package interop

import (
	"encoding/json"
	"os"
	"testing"

	ddtracer "gopkg.in/DataDog/dd-trace-go.v1/ddtrace/tracer"
)

func TestC4Dump(t *testing.T) {
	for _, which := range []string{"gin", "echo"} {
		a := newFakeAgent(t, infoNoStats)
		var ans []string
		if which == "gin" {
			ans = ddGinScenario(t, a.addr(), ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
		} else {
			ans = ddEchoScenario(t, a.addr(), ddtracer.WithDogstatsdAddress("127.0.0.1:9"))
		}
		s := readSide(t, "dd", nameByRequest(t, "dd", a.traceRequests()))
		b, _ := json.MarshalIndent(map[string]any{"answers": ans, "spans": s.spans}, "", " ")
		os.WriteFile("/tmp/c4/dd_"+which+".json", b, 0o644)
	}
}
