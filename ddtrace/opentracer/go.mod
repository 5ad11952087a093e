module github.com/ctxtrace/trace/ddtrace/opentracer

go 1.25

replace github.com/ctxtrace/trace => ../../

require (
	github.com/ctxtrace/trace v0.0.0-00010101000000-000000000000
	github.com/opentracing/opentracing-go v1.2.0
)

require (
	github.com/davecgh/go-spew v1.1.0 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/stretchr/testify v1.6.1 // indirect
	github.com/vmihailenco/msgpack/v5 v5.4.1 // indirect
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
	gopkg.in/yaml.v3 v3.0.0-20200313102051-9f266ea9e77c // indirect
)
