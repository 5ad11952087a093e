package sampling

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ctxtrace/trace"
)

// Provenance is where a rule comes from. Datadog's remote configuration
// marks the rules it sends "customer" (set by a person in Datadog's UI) or
// "dynamic" (computed by Datadog); a trace such a rule decides records
// decision maker -11 or -12 (_dd.p.dm) instead of a local rule's -3, as
// dd-trace-go records them.
type Provenance int8

const (
	// ProvenanceLocal is a rule of the process's own configuration: its
	// code or DD_TRACE_SAMPLING_RULES. Decision maker -3.
	ProvenanceLocal Provenance = 0
	// ProvenanceCustomer is a rule a person set remotely. Decision maker -11.
	ProvenanceCustomer Provenance = 1
	// ProvenanceDynamic is a rule Datadog computed. Decision maker -12.
	ProvenanceDynamic Provenance = 2
)

// Decision makers of the rules of remote provenance, dd-trace-go's
// samplernames.RemoteUserRule and RemoteDynamicRule.
const (
	mechanismRemoteUserRule    trace.Mechanism = 11
	mechanismRemoteDynamicRule trace.Mechanism = 12
)

// String returns "local", "customer" or "dynamic"; "" for any other value.
func (p Provenance) String() string {
	switch p {
	case ProvenanceLocal:
		return "local"
	case ProvenanceCustomer:
		return "customer"
	case ProvenanceDynamic:
		return "dynamic"
	}
	return ""
}

// ParseProvenance reads a provenance's name, whatever its case and
// surrounding spaces. For an unknown name it returns ProvenanceCustomer and
// an error, as dd-trace-go does.
func ParseProvenance(s string) (Provenance, error) {
	s = strings.TrimSpace(s)
	for _, p := range [...]Provenance{ProvenanceLocal, ProvenanceCustomer, ProvenanceDynamic} {
		if strings.EqualFold(s, p.String()) {
			return p, nil
		}
	}
	return ProvenanceCustomer, fmt.Errorf("sampling: invalid provenance %q", s)
}

// MarshalJSON writes the provenance's name as a JSON string.
func (p Provenance) MarshalJSON() ([]byte, error) { return json.Marshal(p.String()) }

// UnmarshalJSON reads a provenance's name from a JSON string; anything
// else, null included, is an error.
func (p *Provenance) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := ParseProvenance(s)
	*p = v
	return err
}

// mechanism is the decision maker of a rule of this provenance.
func (p Provenance) mechanism() trace.Mechanism {
	switch p {
	case ProvenanceCustomer:
		return mechanismRemoteUserRule
	case ProvenanceDynamic:
		return mechanismRemoteDynamicRule
	}
	return trace.MechanismRule
}
