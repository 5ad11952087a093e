package aws

import (
	"reflect"
	"strings"
)

// The integration reads the operations' inputs and outputs by their
// field names, which are AWS's API model and never change, instead of
// by their Go types: so it needs none of the service modules, and a
// program that talks to S3 alone builds no SQS, SNS, DynamoDB, Kinesis,
// EventBridge or Step Functions code for it. The interop tests compare
// the result with dd-trace-go's, which switches on the types, through
// the real service clients.

// field returns the field name of the struct p points to, or the zero
// Value when p is no pointer to a struct with such a field.
func field(p any, name string) reflect.Value {
	v := reflect.ValueOf(p)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return reflect.Value{}
	}
	if v = v.Elem(); v.Kind() != reflect.Struct {
		return reflect.Value{}
	}
	return v.FieldByName(name)
}

// stringOf returns the text of v, a string or a non-nil *string, and
// whether it had one.
func stringOf(v reflect.Value) (string, bool) {
	switch {
	case !v.IsValid():
		return "", false
	case v.Kind() == reflect.String:
		return v.String(), true
	case v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.String:
		return v.Elem().String(), true
	}
	return "", false
}

// stringField returns the string or *string field name of *p, and
// whether it is set.
func stringField(p any, name string) (string, bool) { return stringOf(field(p, name)) }

// setString sets v, a settable *string, to a new pointer to s.
func setString(v reflect.Value, s string) bool {
	if !v.IsValid() || !v.CanSet() || v.Type() != reflect.TypeFor[*string]() {
		return false
	}
	v.Set(reflect.ValueOf(&s))
	return true
}

// lastPart is what follows the last sep in s, or s.
func lastPart(s string, sep byte) string {
	return s[strings.LastIndexByte(s, sep)+1:]
}
