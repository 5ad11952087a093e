package globalconfig

import (
	"slices"
	"sync"
)

var dogstatsd struct {
	sync.RWMutex
	addr string
	tags []string
}

// SetDogStatsD records where the tracer sends its metrics (an address as
// tracer.WithDogstatsdAddress takes it; "" for the environment's) and the
// tags integrations put on theirs, as dd-trace-go's statsTags: lang:go,
// lang_version, env, host, and the global tags with string values. The
// database/sql integration's DB stats use them.
func SetDogStatsD(addr string, tags []string) {
	dogstatsd.Lock()
	defer dogstatsd.Unlock()
	dogstatsd.addr, dogstatsd.tags = addr, slices.Clone(tags)
}

// DogStatsD returns what SetDogStatsD recorded: "" and nil before.
func DogStatsD() (addr string, tags []string) {
	dogstatsd.RLock()
	defer dogstatsd.RUnlock()
	return dogstatsd.addr, slices.Clone(dogstatsd.tags)
}
