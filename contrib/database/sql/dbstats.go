package sql

import (
	"database/sql"
	"log/slog"
	"time"

	"github.com/ctxtrace/trace/internal/dogstatsd"
	"github.com/ctxtrace/trace/internal/globalconfig"
)

// The DB stats metrics (WithDBStats), as dd-trace-go names them.
const (
	statsPrefix           = "datadog.tracer.sql.db.connections."
	statMaxOpen           = statsPrefix + "max_open"
	statOpen              = statsPrefix + "open"
	statInUse             = statsPrefix + "in_use"
	statIdle              = statsPrefix + "idle"
	statWaitCount         = statsPrefix + "waiting"
	statWaitDuration      = statsPrefix + "wait_duration"
	statMaxIdleClosed     = statsPrefix + "closed.max_idle_conns"
	statMaxIdleTimeClosed = statsPrefix + "closed.max_idle_time"
	statMaxLifetimeClosed = statsPrefix + "closed.max_lifetime"
)

// dbStatsTicks gives the moments to send the DB stats at, and what stops
// them: every 10 seconds, as dd-trace-go. Tests replace it.
var dbStatsTicks = defaultDBStatsTicks

func defaultDBStatsTicks() (<-chan time.Time, func()) {
	t := time.NewTicker(10 * time.Second)
	return t.C, t.Stop
}

// startDBStats sends db's stats at every tick until closed is closed.
func startDBStats(db *sql.DB, cfg *config, closed <-chan struct{}) {
	addr, tags := globalconfig.DogStatsD()
	tags = append(tags, statsTags(cfg)...)
	client, err := dogstatsd.New(dogstatsd.WithAddress(addr), dogstatsd.WithTags(tags...), dogstatsd.WithLogger(logger()))
	if err != nil {
		logger().Warn("contrib/database/sql: DB stats are off", slog.String("error", err.Error()))
		return
	}
	ticks, stop := dbStatsTicks()
	go func() {
		defer client.Close()
		defer stop()
		for {
			select {
			case <-ticks:
				sendDBStats(client, db.Stats())
			case <-closed:
				return
			}
		}
	}()
}

// statsTags are the database's own tags on its metrics: its service, and
// the custom tags with a string value.
func statsTags(cfg *config) []string {
	var tags []string
	if cfg.ServiceName != "" {
		tags = append(tags, "service:"+cfg.ServiceName)
	}
	for k, v := range cfg.Tags {
		if s, ok := v.(string); ok {
			tags = append(tags, k+":"+s)
		}
	}
	return tags
}

func sendDBStats(c *dogstatsd.Client, s sql.DBStats) {
	c.Gauge(statMaxOpen, float64(s.MaxOpenConnections), nil)
	c.Gauge(statOpen, float64(s.OpenConnections), nil)
	c.Gauge(statInUse, float64(s.InUse), nil)
	c.Gauge(statIdle, float64(s.Idle), nil)
	c.Gauge(statWaitCount, float64(s.WaitCount), nil)
	c.Timing(statWaitDuration, s.WaitDuration, nil)
	c.Gauge(statMaxIdleClosed, float64(s.MaxIdleClosed), nil)
	c.Gauge(statMaxIdleTimeClosed, float64(s.MaxIdleTimeClosed), nil)
	c.Gauge(statMaxLifetimeClosed, float64(s.MaxLifetimeClosed), nil)
	c.Flush()
}
