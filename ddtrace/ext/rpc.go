package ext

// Remote procedure call tags.
const (
	// RPCSystem names the RPC system: one of the RPCSystem* values.
	RPCSystem = "rpc.system"
	// RPCService names the service called, in full (with its package),
	// as the RPC interface names it.
	RPCService = "rpc.service"
	// RPCMethod names the method called, as the RPC interface names it.
	RPCMethod = "rpc.method"
)

// Values for the RPCSystem tag.
const (
	// RPCSystemGRPC is gRPC.
	RPCSystemGRPC = "grpc"
	// RPCSystemTwirp is Twirp.
	RPCSystemTwirp = "twirp"
)

// gRPC tags.
const (
	// GRPCFullMethod is the method called, as /package.Service/Method.
	GRPCFullMethod = "rpc.grpc.full_method"
)
