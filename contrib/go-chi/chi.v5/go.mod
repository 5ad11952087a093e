module github.com/ctxtrace/trace/contrib/go-chi/chi.v5

go 1.25

require github.com/ctxtrace/trace v0.0.0-00010101000000-000000000000

require (
	github.com/go-chi/chi/v5 v5.5.0
	github.com/vmihailenco/msgpack/v5 v5.4.1 // indirect
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
)

replace github.com/ctxtrace/trace => ../../..
