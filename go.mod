module github.com/ctxtrace/trace

go 1.25
