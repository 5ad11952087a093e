module github.com/ctxtrace/trace/contrib/gorilla/mux

go 1.25

require github.com/ctxtrace/trace v0.0.0-00010101000000-000000000000

require (
	github.com/gorilla/mux v1.8.1
	github.com/vmihailenco/msgpack/v5 v5.4.1 // indirect
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
)

replace github.com/ctxtrace/trace => ../../..
