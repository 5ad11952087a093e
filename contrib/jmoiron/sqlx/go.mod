module github.com/ctxtrace/trace/contrib/jmoiron/sqlx

go 1.25

require (
	github.com/ctxtrace/trace v0.0.0-00010101000000-000000000000
	github.com/google/go-cmp v0.7.0
)

require (
	github.com/jmoiron/sqlx v1.4.0
	github.com/vmihailenco/msgpack/v5 v5.4.1 // indirect
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
)

replace github.com/ctxtrace/trace => ../../..
