module github.com/ctxtrace/trace/opentracer

go 1.25

replace github.com/ctxtrace/trace => ../

require (
	github.com/ctxtrace/trace v0.0.0-00010101000000-000000000000
	github.com/opentracing/opentracing-go v1.2.0
)

require (
	github.com/davecgh/go-spew v1.1.0 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/stretchr/testify v1.3.0 // indirect
)
