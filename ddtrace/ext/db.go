package ext

// Database tags.
const (
	// DBApplication names the application that uses the database.
	DBApplication = "db.application"
	// DBName names the database.
	DBName = "db.name"
	// DBType names the kind of database.
	DBType = "db.type"
	// DBInstance names the database instance.
	DBInstance = "db.instance"
	// DBUser names the database user ("readonly_user", "reporting_user").
	DBUser = "db.user"
	// DBStatement holds the statement run, in the database's language.
	DBStatement = "db.statement"
	// DBSystem names the database management system: one of the
	// DBSystem* values.
	DBSystem = "db.system"
)

// Values for the DBSystem tag.
const (
	// DBSystemMemcached is memcached.
	DBSystemMemcached = "memcached"
	// DBSystemMySQL is MySQL.
	DBSystemMySQL = "mysql"
	// DBSystemPostgreSQL is PostgreSQL.
	DBSystemPostgreSQL = "postgresql"
	// DBSystemMicrosoftSQLServer is Microsoft SQL Server.
	DBSystemMicrosoftSQLServer = "mssql"
	// DBSystemOtherSQL is an SQL database not listed here.
	DBSystemOtherSQL = "other_sql"
	// DBSystemElasticsearch is Elasticsearch.
	DBSystemElasticsearch = "elasticsearch"
	// DBSystemRedis is Redis.
	DBSystemRedis = "redis"
	// DBSystemValkey is Valkey.
	DBSystemValkey = "valkey"
	// DBSystemMongoDB is MongoDB.
	DBSystemMongoDB = "mongodb"
	// DBSystemCassandra is Cassandra.
	DBSystemCassandra = "cassandra"
	// DBSystemConsulKV is Consul's key/value store.
	DBSystemConsulKV = "consul"
	// DBSystemLevelDB is LevelDB.
	DBSystemLevelDB = "leveldb"
	// DBSystemBuntDB is BuntDB.
	DBSystemBuntDB = "buntdb"
)

// Microsoft SQL Server tags.
const (
	// MicrosoftSQLServerInstanceName names the SQL Server instance
	// connected to.
	MicrosoftSQLServerInstanceName = "db.mssql.instance_name"
)

// MongoDB tags.
const (
	// MongoDBCollection names the collection accessed.
	MongoDBCollection = "db.mongodb.collection"
)

// Redis tags.
const (
	// RedisDatabaseIndex is the index of the Redis database connected to.
	RedisDatabaseIndex = "db.redis.database_index"
	// RedisRawCommand holds the command as sent.
	RedisRawCommand = "redis.raw_command"
	// RedisClientCacheHit says whether the client-side cache answered.
	RedisClientCacheHit = "db.redis.client.cache.hit"
	// RedisClientCacheTTL is the time to live of a client-side cache
	// entry.
	RedisClientCacheTTL = "db.redis.client.cache.ttl"
	// RedisClientCachePTTL is the remaining PTTL of a client-side cache
	// entry.
	RedisClientCachePTTL = "db.redis.client.cache.pttl"
	// RedisClientCachePXAT is the PXAT of a client-side cache entry.
	RedisClientCachePXAT = "db.redis.client.cache.pxat"
)

// Valkey tags.
const (
	// ValkeyRawCommand holds the command as sent.
	ValkeyRawCommand = "valkey.raw_command"
	// ValkeyClientCacheHit says whether the client-side cache answered.
	ValkeyClientCacheHit = "db.valkey.client.cache.hit"
	// ValkeyClientCacheTTL is the time to live of a client-side cache
	// entry.
	ValkeyClientCacheTTL = "db.valkey.client.cache.ttl"
	// ValkeyClientCachePTTL is the remaining PTTL of a client-side cache
	// entry.
	ValkeyClientCachePTTL = "db.valkey.client.cache.pttl"
	// ValkeyClientCachePXAT is the PXAT of a client-side cache entry.
	ValkeyClientCachePXAT = "db.valkey.client.cache.pxat"
)

// Cassandra tags.
const (
	// CassandraQuery held a Cassandra query.
	// It is deprecated (unmarked for tools, as in dd-trace-go, so that
	// moved code gets no new warnings): no integration sets it any more.
	CassandraQuery = "cassandra.query"
	// CassandraBatch held a Cassandra batch.
	// It is deprecated (unmarked for tools, as in dd-trace-go, so that
	// moved code gets no new warnings): no integration sets it any more.
	CassandraBatch = "cassandra.batch"
	// CassandraConsistencyLevel is the query's consistency level.
	CassandraConsistencyLevel = "cassandra.consistency_level"
	// CassandraCluster names the cluster.
	CassandraCluster = "cassandra.cluster"
	// CassandraDatacenter names the datacenter.
	CassandraDatacenter = "cassandra.datacenter"
	// CassandraRowCount is the number of rows returned.
	CassandraRowCount = "cassandra.row_count"
	// CassandraKeyspace names the keyspace.
	CassandraKeyspace = "cassandra.keyspace"
	// CassandraPaginated says whether the query was paginated.
	CassandraPaginated = "cassandra.paginated"
	// CassandraContactPoints lists the seed nodes used to discover the
	// cluster.
	CassandraContactPoints = "db.cassandra.contact.points"
	// CassandraHostID identifies the host that served the operation.
	CassandraHostID = "db.cassandra.host.id"
)
