package tracer

import (
	"encoding/base64"
)

// UserMonitoringConfig is what UserMonitoringOptions fill in.
type UserMonitoringConfig struct {
	// PropagateID sends the user id to downstream services.
	PropagateID bool
	// Login, Org, Email, Name, Role, SessionID and Scope become usr.login,
	// usr.org, usr.email, usr.name, usr.role, usr.session_id, usr.scope.
	Login, Org, Email, Name, Role, SessionID, Scope string
	// Metadata become usr.<key>.
	Metadata map[string]string
}

// UserMonitoringOption configures SetUser.
type UserMonitoringOption func(*UserMonitoringConfig)

// WithUserEmail sets usr.email.
func WithUserEmail(email string) UserMonitoringOption {
	return func(c *UserMonitoringConfig) { c.Email = email }
}

// WithUserName sets usr.name.
func WithUserName(name string) UserMonitoringOption {
	return func(c *UserMonitoringConfig) { c.Name = name }
}

// WithUserRole sets usr.role.
func WithUserRole(role string) UserMonitoringOption {
	return func(c *UserMonitoringConfig) { c.Role = role }
}

// WithUserScope sets usr.scope.
func WithUserScope(scope string) UserMonitoringOption {
	return func(c *UserMonitoringConfig) { c.Scope = scope }
}

// WithUserSessionID sets usr.session_id.
func WithUserSessionID(id string) UserMonitoringOption {
	return func(c *UserMonitoringConfig) { c.SessionID = id }
}

// WithUserMetadata sets usr.<key> for a key of your own.
func WithUserMetadata(key, value string) UserMonitoringOption {
	return func(c *UserMonitoringConfig) {
		if c.Metadata == nil {
			c.Metadata = map[string]string{}
		}
		c.Metadata[key] = value
	}
}

// WithUserLogin sets usr.login.
func WithUserLogin(login string) UserMonitoringOption {
	return func(c *UserMonitoringConfig) { c.Login = login }
}

// WithUserOrg sets usr.org.
func WithUserOrg(org string) UserMonitoringOption {
	return func(c *UserMonitoringConfig) { c.Org = org }
}

// WithPropagation sends the user id to downstream services, base64-encoded
// in the propagated tag _dd.p.usr.id, as dd-trace-go does.
func WithPropagation() UserMonitoringOption {
	return func(c *UserMonitoringConfig) { c.PropagateID = true }
}

// SetUser records who the request is for on s's local root span: usr.id
// and the fields the options give.
func SetUser(s Span, id string, opts ...UserMonitoringOption) {
	sp, ok := s.(span)
	if !ok || sp.s == nil {
		return
	}
	var c UserMonitoringConfig
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	root := sp.s.Root()
	root.SetTag("usr.id", id)
	for k, v := range map[string]string{"usr.login": c.Login, "usr.org": c.Org, "usr.email": c.Email, "usr.name": c.Name, "usr.role": c.Role, "usr.scope": c.Scope, "usr.session_id": c.SessionID} {
		if v != "" {
			root.SetTag(k, v)
		}
	}
	for k, v := range c.Metadata {
		root.SetTag("usr."+k, v)
	}
	if c.PropagateID {
		root.SetPropagatedTag("_dd.p.usr.id", base64.StdEncoding.EncodeToString([]byte(id)))
	}
}
