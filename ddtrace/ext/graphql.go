package ext

// GraphQL names.
const (
	// GraphqlQueryErrorEvent names the span event recorded for each error
	// of a GraphQL query.
	GraphqlQueryErrorEvent = "dd.graphql.query.error"
)
