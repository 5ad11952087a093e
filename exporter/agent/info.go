package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
)

// Info is what the Agent says about itself at /info.
type Info struct {
	Reachable     bool     // whether /info answered with a valid document
	Version       string   // the Agent's version
	Endpoints     []string // the endpoints it serves, such as "/v0.4/traces"
	ClientDropP0s bool     // whether it accepts that clients drop sampled-out traces
	SpanEvents    bool     // whether it takes span events natively
	// PeerTags are the tags by which client-side statistics group the
	// spans that call other services (span.kind client, producer or
	// consumer), such as peer.service or db.instance.
	PeerTags []string
	// DefaultEnv is the env the Agent gives traces that have none.
	DefaultEnv string
}

// Supports reports whether the Agent serves endpoint.
func (i Info) Supports(endpoint string) bool { return slices.Contains(i.Endpoints, endpoint) }

// Info returns what the Agent said at /info, and false until it has
// answered (or if it never does).
func (e *Exporter) Info() (Info, bool) {
	if i := e.info.Load(); i != nil {
		return *i, true
	}
	return Info{}, false
}

// discover asks the Agent's /info once, in the background, with a short
// timeout.
func (e *Exporter) discover() {
	defer e.wg.Done()
	defer close(e.discovered)
	if e.client == nil {
		return
	}
	ctx, cancel := context.WithTimeout(e.ctx, e.cfg.infoTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.infoURL, nil)
	if err != nil {
		return
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.cfg.logger.Debug("trace/agent: /info unreachable", slog.String("error", err.Error()))
		return
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return
	}
	i, err := parseInfo(resp.Body)
	if err != nil {
		e.cfg.logger.Debug("trace/agent: invalid /info", slog.String("error", err.Error()))
		return
	}
	e.useInfo(i)
}

// Bounds on what /info may make the exporter keep: the Agent sends a few
// dozen peer tags of a few dozen bytes.
const (
	maxPeerTags   = 128
	maxPeerTagLen = 200
)

// parseInfo reads an /info document. Peer tags that are empty, too long or
// repeated are left out, and at most maxPeerTags kept.
func parseInfo(r io.Reader) (*Info, error) {
	var doc struct {
		Version       string   `json:"version"`
		Endpoints     []string `json:"endpoints"`
		ClientDropP0s bool     `json:"client_drop_p0s"`
		SpanEvents    bool     `json:"span_events"`
		PeerTags      []string `json:"peer_tags"`
		Config        struct {
			DefaultEnv string `json:"default_env"`
		} `json:"config"`
	}
	if err := json.NewDecoder(io.LimitReader(r, maxResponse)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("agent: /info: %w", err)
	}
	var peers []string
	for _, t := range doc.PeerTags {
		if t != "" && len(t) <= maxPeerTagLen && !slices.Contains(peers, t) && len(peers) < maxPeerTags {
			peers = append(peers, t)
		}
	}
	return &Info{
		Reachable:     true,
		Version:       doc.Version,
		Endpoints:     doc.Endpoints,
		ClientDropP0s: doc.ClientDropP0s,
		SpanEvents:    doc.SpanEvents,
		PeerTags:      peers,
		DefaultEnv:    doc.Config.DefaultEnv,
	}, nil
}
