package aws

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"sort"
	"strings"

	"github.com/ctxtrace/trace"
)

// Span pointers link the span of an operation that wrote an S3 object or
// a DynamoDB item to the spans that later read it, by a hash of what
// names the object, as Datadog's rules say
// (https://github.com/DataDog/dd-span-pointer-rules): a span link with
// zero ids whose attributes carry the hash.

// pointer is the span link of a pointer of kind to what components name.
func pointer(kind string, components ...string) trace.Link {
	h := sha256.Sum256([]byte(strings.Join(components, "|")))
	return trace.Link{Attributes: map[string]string{
		"ptr.kind":  kind,
		"ptr.dir":   "d", // downstream: this span wrote it
		"ptr.hash":  hex.EncodeToString(h[:16]),
		"link.kind": "span-pointer",
	}}
}

// spanPointer returns the pointer to what the operation op of service
// wrote, read from its input params and its output result, and false
// when it wrote nothing a pointer names.
func spanPointer(service, op string, params, result any) (trace.Link, bool) {
	switch {
	case service == "S3":
		return s3Pointer(op, params, result)
	case service == "DynamoDB" && (op == "UpdateItem" || op == "DeleteItem"):
		return dynamoDBPointer(params)
	}
	return trace.Link{}, false
}

// s3Pointer is the pointer to the object an S3 operation wrote: its
// bucket, key and ETag (without the quotes S3 puts around it). The
// operations are those Datadog's rules name, as in its Java and Python
// tracers.
func s3Pointer(op string, params, result any) (trace.Link, bool) {
	var etag string
	switch op {
	case "PutObject", "CompleteMultipartUpload":
		etag, _ = stringField(result, "ETag")
	case "CopyObject":
		if r := field(result, "CopyObjectResult"); r.IsValid() && r.Kind() == reflect.Pointer {
			etag, _ = stringField(r.Interface(), "ETag")
		}
	default:
		return trace.Link{}, false
	}
	bucket, _ := stringField(params, "Bucket")
	key, _ := stringField(params, "Key")
	etag = strings.Trim(etag, `"`)
	if bucket == "" || key == "" || etag == "" {
		return trace.Link{}, false
	}
	return pointer("aws.s3.object", bucket, key, etag), true
}

// dynamoDBPointer is the pointer to the item an UpdateItem or DeleteItem
// named: its table, and its key's one or two attributes (names sorted),
// each attribute's value as text (a string, a number, or bytes).
func dynamoDBPointer(params any) (trace.Link, bool) {
	table, _ := stringField(params, "TableName")
	key := field(params, "Key")
	if table == "" || !key.IsValid() || key.Kind() != reflect.Map || key.Type().Key().Kind() != reflect.String || key.Len() == 0 {
		return trace.Link{}, false
	}
	names := make([]string, 0, key.Len())
	for _, k := range key.MapKeys() {
		names = append(names, k.String())
	}
	sort.Strings(names)
	value := func(name string) string {
		return attributeText(key.MapIndex(reflect.ValueOf(name).Convert(key.Type().Key())))
	}
	if len(names) == 1 {
		return pointer("aws.dynamodb.item", table, names[0], value(names[0]), "", ""), true
	}
	return pointer("aws.dynamodb.item", table, names[0], value(names[0]), names[1], value(names[1])), true
}

// attributeText is the text of a DynamoDB key attribute value: the Value
// of an AttributeValueMemberS, N or B; "" for another kind.
func attributeText(v reflect.Value) string {
	for v.IsValid() && (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer) && !v.IsNil() {
		v = v.Elem()
	}
	if !v.IsValid() || v.Kind() != reflect.Struct {
		return ""
	}
	switch v.Type().Name() {
	case "AttributeValueMemberS", "AttributeValueMemberN":
		s, _ := stringOf(v.FieldByName("Value"))
		return s
	case "AttributeValueMemberB":
		if b := v.FieldByName("Value"); b.IsValid() && b.Kind() == reflect.Slice && b.Type().Elem().Kind() == reflect.Uint8 {
			return string(b.Bytes())
		}
	}
	return ""
}
