package tracer

import (
	"encoding/base64"
)

// UserMonitoringOption configures SetUser.
type UserMonitoringOption func(*userConfig)

type userConfig struct {
	email, name, role, sessionID, scope string
	propagate                           bool
	metadata                            map[string]string
}

// WithUserEmail sets usr.email.
func WithUserEmail(email string) UserMonitoringOption { return func(c *userConfig) { c.email = email } }

// WithUserName sets usr.name.
func WithUserName(name string) UserMonitoringOption { return func(c *userConfig) { c.name = name } }

// WithUserRole sets usr.role.
func WithUserRole(role string) UserMonitoringOption { return func(c *userConfig) { c.role = role } }

// WithUserScope sets usr.scope.
func WithUserScope(scope string) UserMonitoringOption { return func(c *userConfig) { c.scope = scope } }

// WithUserSessionID sets usr.session_id.
func WithUserSessionID(id string) UserMonitoringOption {
	return func(c *userConfig) { c.sessionID = id }
}

// WithUserMetadata sets usr.<key> for a key of your own.
func WithUserMetadata(key, value string) UserMonitoringOption {
	return func(c *userConfig) {
		if c.metadata == nil {
			c.metadata = map[string]string{}
		}
		c.metadata[key] = value
	}
}

// WithPropagation sends the user id to downstream services, base64-encoded
// in the propagated tag _dd.p.usr.id, as dd-trace-go does.
func WithPropagation() UserMonitoringOption { return func(c *userConfig) { c.propagate = true } }

// SetUser records who the request is for on s's local root span: usr.id
// and the fields the options give.
func SetUser(s Span, id string, opts ...UserMonitoringOption) {
	sp, ok := s.(span)
	if !ok || sp.s == nil {
		return
	}
	var c userConfig
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	root := sp.s.Root()
	root.SetTag("usr.id", id)
	for k, v := range map[string]string{"usr.email": c.email, "usr.name": c.name, "usr.role": c.role, "usr.scope": c.scope, "usr.session_id": c.sessionID} {
		if v != "" {
			root.SetTag(k, v)
		}
	}
	for k, v := range c.metadata {
		root.SetTag("usr."+k, v)
	}
	if c.propagate {
		root.SetPropagatedTag("_dd.p.usr.id", base64.StdEncoding.EncodeToString([]byte(id)))
	}
}
