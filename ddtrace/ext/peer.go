package ext

// Tags that describe the peer of a connection.
const (
	// PeerHostIPV4 is the peer's IPv4 address.
	PeerHostIPV4 = "peer.ipv4"
	// PeerHostIPV6 is the peer's IPv6 address.
	PeerHostIPV6 = "peer.ipv6"
	// PeerService names the peer's service.
	PeerService = "peer.service"
	// PeerHostname is the peer's host name.
	// It is deprecated (unmarked for tools, as in dd-trace-go, so that
	// moved code gets no new warnings): Use NetworkDestinationName for a host name and
	// NetworkDestinationIP for an address.
	PeerHostname = "peer.hostname"
	// PeerPort is the peer's port.
	PeerPort = "peer.port"
)
