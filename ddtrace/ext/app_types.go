package ext

// App types, older and coarser than the span types below: values for the
// SpanType tag.
const (
	// AppTypeWeb is the type of a span of a web request.
	// It is deprecated (unmarked for tools, as in dd-trace-go, so that
	// moved code gets no new warnings): Use SpanTypeWeb.
	AppTypeWeb = "web"

	// AppTypeDB is the type of a database span; a SpanType* constant
	// says more when one fits.
	AppTypeDB = "db"

	// AppTypeCache is the type of a cache span; SpanTypeRedis and
	// SpanTypeMemcached say more when they fit.
	AppTypeCache = "cache"

	// AppTypeRPC is the type of a remote procedure call span.
	AppTypeRPC = "rpc"
)

// Span types: values for the SpanType tag. They categorize traces in
// Datadog, and select the Agent's obfuscation and quantization rules for
// the span.
const (
	// SpanTypeWeb marks an HTTP server request.
	SpanTypeWeb = "web"

	// SpanTypeHTTP marks an HTTP client request.
	SpanTypeHTTP = "http"

	// SpanTypeSQL marks an SQL operation, which may carry an
	// "sql.command" tag.
	SpanTypeSQL = "sql"

	// SpanTypeCassandra marks a Cassandra operation, which may carry an
	// "sql.command" tag.
	SpanTypeCassandra = "cassandra"

	// SpanTypeRedis marks a Redis operation, which may carry a
	// RedisRawCommand tag.
	SpanTypeRedis = "redis"

	// SpanTypeValkey marks a Valkey operation.
	SpanTypeValkey = "valkey"

	// SpanTypeMemcached marks a memcached operation.
	SpanTypeMemcached = "memcached"

	// SpanTypeMongoDB marks a MongoDB operation.
	SpanTypeMongoDB = "mongodb"

	// SpanTypeElasticSearch marks an Elasticsearch operation, which may
	// carry an "elasticsearch.body" tag.
	SpanTypeElasticSearch = "elasticsearch"

	// SpanTypeLevelDB marks a LevelDB operation.
	SpanTypeLevelDB = "leveldb"

	// SpanTypeDNS marks a DNS lookup.
	SpanTypeDNS = "dns"

	// SpanTypeMessageConsumer marks the consumption of a queued message.
	SpanTypeMessageConsumer = "queue"

	// SpanTypeMessageProducer marks the production of a queued message.
	SpanTypeMessageProducer = "queue"

	// SpanTypeConsul marks a Consul operation.
	SpanTypeConsul = "consul"

	// SpanTypeGraphQL marks a GraphQL operation.
	SpanTypeGraphQL = "graphql"
)
