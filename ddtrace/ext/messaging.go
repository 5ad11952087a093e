package ext

// Messaging tags.
const (
	// MessagingSystem names the messaging system that made the span: one
	// of the MessagingSystem* values, or "rabbitmq", "amazonsqs"...
	MessagingSystem = "messaging.system"
	// MessagingDestinationName names the message's destination.
	MessagingDestinationName = "messaging.destination.name"
)

// Values for the MessagingSystem tag.
const (
	// MessagingSystemGCPPubsub is Google Cloud Pub/Sub.
	MessagingSystemGCPPubsub = "googlepubsub"
	// MessagingSystemKafka is Apache Kafka.
	MessagingSystemKafka = "kafka"
)

// Kafka tags.
const (
	// MessagingKafkaPartition is the Kafka partition of the message.
	MessagingKafkaPartition = "messaging.kafka.partition"
	// KafkaBootstrapServers lists the bootstrap servers of the producer or
	// consumer configuration, separated by commas.
	KafkaBootstrapServers = "messaging.kafka.bootstrap.servers"
)
