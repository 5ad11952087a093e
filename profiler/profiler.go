package profiler

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/ctxtrace/trace/exporter/agent"
	"github.com/ctxtrace/trace/internal/hotspots"
	"github.com/ctxtrace/trace/internal/pprofdelta"
	"github.com/ctxtrace/trace/internal/ratelog"
)

var (
	mu     sync.Mutex // guards active, and orders Start and Stop
	active *profiler
)

// Start starts the profiler, configured by the environment (DD_SERVICE,
// DD_ENV, DD_VERSION, DD_TAGS, the Agent's address, DD_PROFILING_*) and
// then by opts. If a profiler is running, it is stopped first. Start
// returns at once: collection and uploads run on a goroutine of their own.
//
// It returns an error for a configuration dd-trace-go rejects: an upload
// timeout or period that is not positive, an unknown profile type, a
// malformed DD_PROFILING_UPLOAD_TIMEOUT, agentless upload without a valid
// API key, or an AWS Lambda runtime. With DD_PROFILING_ENABLED=false it
// starts nothing and returns nil.
func Start(opts ...Option) error {
	mu.Lock()
	defer mu.Unlock()
	if active != nil {
		active.stop()
		active = nil
	}
	cfg, err := newConfig(opts...)
	if err != nil {
		return err
	}
	if !cfg.enabled {
		return nil
	}
	active = newProfiler(cfg, realClock{}, newLogger())
	active.start()
	return nil
}

// Stop stops the profiler and returns once its goroutine has ended: an
// upload in flight is cancelled. With DD_PROFILING_FLUSH_ON_EXIT, the
// unfinished period's profiles are then collected and uploaded, in one
// attempt within the upload timeout.
func Stop() {
	mu.Lock()
	defer mu.Unlock()
	if active != nil {
		active.stop()
		active = nil
	}
}

// profiler collects the enabled profiles every period and uploads them.
type profiler struct {
	cfg     *config
	clock   clock
	log     *slog.Logger
	limiter ratelog.Limiter // one line per kind of trouble per interval
	headers http.Header     // sent with every upload, besides Content-Type
	randN   func(n int64) int64

	ctx      context.Context // cancelled by stop: ends the loop's upload in flight
	cancel   context.CancelFunc
	exit     chan struct{} // closed by stop
	done     chan struct{} // closed when the loop has ended
	stopOnce sync.Once

	// Owned by the loop's goroutine.
	seq    uint64
	met    memMetrics
	deltas map[ProfileType]*pprofdelta.Computer

	counts counts
}

// counts are what happened to uploads and collections, for tests and
// for the log.
type counts struct {
	uploaded      atomic.Uint64 // batches the Agent accepted
	failed        atomic.Uint64 // batches given up on
	retried       atomic.Uint64 // second attempts
	collectErrors atomic.Uint64 // profiles that could not be collected
}

func newProfiler(cfg *config, clk clock, log *slog.Logger) *profiler {
	ctx, cancel := context.WithCancel(context.Background())
	p := &profiler{
		cfg:     cfg,
		clock:   clk,
		log:     log,
		headers: http.Header{},
		randN:   rand.Int64N,
		ctx:     ctx,
		cancel:  cancel,
		exit:    make(chan struct{}),
		done:    make(chan struct{}),
		deltas:  map[ProfileType]*pprofdelta.Computer{},
	}
	p.limiter.Every = max(cfg.period, ratelog.Every)
	p.limiter.Now = clk.Now
	if cfg.apiKey != "" {
		p.headers.Set("DD-API-KEY", cfg.apiKey)
	}
	if id := agent.ContainerID(); id != "" {
		p.headers.Set("Datadog-Container-ID", id)
	}
	if id := agent.EntityID(); id != "" {
		p.headers.Set("Datadog-Entity-ID", id)
	}
	return p
}

// start sets the runtime's rates, turns code hotspots on and starts the
// loop.
func (p *profiler) start() {
	for _, err := range p.cfg.problems {
		p.log.Warn("profiler: ignoring a malformed setting", slog.String("error", err.Error()))
	}
	if p.cfg.apiKey != "" && !p.cfg.agentless {
		p.log.Warn("profiler: DD_API_KEY is set but profiles go to the Agent, which does not need it")
	}
	if p.cfg.logStartup {
		p.logStartup()
	}
	if p.cfg.has(MutexProfile) {
		runtime.SetMutexProfileFraction(p.cfg.mutexFraction)
	}
	if p.cfg.has(BlockProfile) {
		runtime.SetBlockProfileRate(p.cfg.blockRate)
	}
	if p.cfg.hotspots && p.cfg.has(CPUProfile) {
		hotspots.Enable(true)
	}
	p.met.reset(p.clock.Now())
	go p.run()
}

// stop ends the loop and waits for it; it may be called more than once.
func (p *profiler) stop() {
	p.stopOnce.Do(func() {
		p.cancel() // an upload in flight ends now
		close(p.exit)
		<-p.done
		if p.cfg.ownClient {
			p.cfg.httpClient.CloseIdleConnections()
		}
		hotspots.Enable(false)
		if p.cfg.logStartup {
			p.log.Info("profiler: stopped")
		}
	})
}
