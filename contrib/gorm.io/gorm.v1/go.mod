module github.com/ctxtrace/trace/contrib/gorm.io/gorm.v1

go 1.25

require (
	github.com/ctxtrace/trace v0.0.0-00010101000000-000000000000
	github.com/google/go-cmp v0.7.0
	gorm.io/gorm v1.31.2
)

require (
	github.com/jinzhu/inflection v1.0.0 // indirect
	github.com/jinzhu/now v1.1.5 // indirect
	github.com/vmihailenco/msgpack/v5 v5.4.1 // indirect
	github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect
	golang.org/x/text v0.20.0 // indirect
)

replace github.com/ctxtrace/trace => ../../..
