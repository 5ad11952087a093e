module github.com/ctxtrace/trace/contrib/sirupsen/logrus

go 1.25

require (
	github.com/ctxtrace/trace v0.0.0-00010101000000-000000000000
	github.com/sirupsen/logrus v1.10.2
)

require golang.org/x/sys v0.13.0 // indirect

replace github.com/ctxtrace/trace => ../../..
