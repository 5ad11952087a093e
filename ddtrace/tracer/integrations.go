package tracer

import "sync"

// integrations are the libraries dd-trace-go has integrations for, by
// import path, with the names startup logs show. MarkIntegrationImported
// records which ones a program uses.
var integrations = struct {
	sync.Mutex
	imported map[string]bool
	known    map[string]string
}{imported: map[string]bool{}, known: map[string]string{
	"github.com/99designs/gqlgen": "gqlgen", "github.com/aws/aws-sdk-go": "AWS SDK",
	"github.com/aws/aws-sdk-go-v2": "AWS SDK v2", "github.com/bradfitz/gomemcache": "Memcache",
	"cloud.google.com/go/pubsub.v1": "Pub/Sub", "cloud.google.com/go/pubsub/v2": "Pub/Sub v2",
	"github.com/confluentinc/confluent-kafka-go": "Kafka (confluent)", "github.com/confluentinc/confluent-kafka-go/v2": "Kafka (confluent) v2",
	"database/sql": "SQL", "github.com/dimfeld/httptreemux/v5": "HTTP Treemux",
	"github.com/elastic/go-elasticsearch/v6": "Elasticsearch v6", "github.com/emicklei/go-restful/v3": "go-restful v3",
	"github.com/gin-gonic/gin": "Gin", "github.com/globalsign/mgo": "MongoDB (mgo)",
	"github.com/go-chi/chi": "chi", "github.com/go-chi/chi/v5": "chi v5",
	"github.com/go-pg/pg/v10": "go-pg v10", "github.com/go-redis/redis": "Redis",
	"github.com/go-redis/redis/v7": "Redis v7", "github.com/go-redis/redis/v8": "Redis v8",
	"go.mongodb.org/mongo-driver": "MongoDB", "github.com/gocql/gocql": "Cassandra",
	"github.com/gofiber/fiber/v2": "Fiber", "github.com/gomodule/redigo": "Redigo",
	"google.golang.org/api": "Google API", "google.golang.org/grpc": "gRPC",
	"github.com/gorilla/mux": "Gorilla Mux", "gorm.io/gorm.v1": "Gorm v1",
	"github.com/graph-gophers/graphql-go": "Graph Gophers GraphQL", "github.com/graphql-go/graphql": "GraphQL-Go GraphQL",
	"github.com/hashicorp/consul/api": "Consul", "github.com/hashicorp/vault/api": "Vault",
	"github.com/jackc/pgx/v5": "PGX", "github.com/jmoiron/sqlx": "SQLx",
	"github.com/julienschmidt/httprouter": "HTTP Router", "k8s.io/client-go/kubernetes": "Kubernetes",
	"github.com/labstack/echo/v4": "echo v4", "log/slog": "log/slog",
	"github.com/miekg/dns": "miekg/dns", "net/http": "HTTP",
	"gopkg.in/olivere/elastic.v5": "Elasticsearch v5", "github.com/redis/go-redis/v9": "Redis v9",
	"github.com/redis/rueidis": "Rueidis", "github.com/segmentio/kafka-go": "Kafka v0",
	"github.com/IBM/sarama": "IBM sarama", "github.com/Shopify/sarama": "Shopify sarama",
	"github.com/sirupsen/logrus": "Logrus", "github.com/syndtr/goleveldb": "LevelDB",
	"github.com/tidwall/buntdb": "BuntDB", "github.com/twitchtv/twirp": "Twirp",
	"github.com/uptrace/bun": "Bun", "github.com/urfave/negroni": "Negroni",
	"github.com/valyala/fasthttp": "FastHTTP", "github.com/valkey-io/valkey-go": "Valkey",
}}

// MarkIntegrationImported records that the program uses the integration
// for the library at this import path, and reports whether it is one
// dd-trace-go has an integration for. The startup log lists those marked.
func MarkIntegrationImported(integration string) bool {
	integrations.Lock()
	defer integrations.Unlock()
	if _, ok := integrations.known[integration]; !ok {
		return false
	}
	integrations.imported[integration] = true
	return true
}

// importedIntegrations returns the names of the integrations marked.
func importedIntegrations() []string {
	integrations.Lock()
	defer integrations.Unlock()
	var out []string
	for path := range integrations.imported {
		out = append(out, integrations.known[path])
	}
	return out
}
