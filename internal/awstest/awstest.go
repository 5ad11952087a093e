// Package awstest is a stand-in for AWS's endpoints in tests: an HTTP
// server on 127.0.0.1 answering aws-sdk-go-v2's clients with small canned
// answers in each protocol: AWS JSON (SQS, DynamoDB, Kinesis,
// EventBridge, Step Functions), query (SNS) and REST-XML (S3), with a
// request id. It records every request.
//
// A request that names "missing" (in its URL or body) gets the
// service's 400 error for a resource that does not exist, one that names
// "broken" a 500. Answers carry no checksums, so that clients validate
// none.
package awstest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
)

// MaxBody is the most of a request body the server reads.
const MaxBody = 1 << 20

// Request is one request the server received.
type Request struct {
	Method, Host, Path string
	Query              url.Values
	Header             http.Header
	Body               []byte
}

// Server is a running stand-in. Close stops it.
type Server struct {
	*httptest.Server

	mu   sync.Mutex
	reqs []Request
}

// Start starts a server on 127.0.0.1.
func Start() *Server {
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Requests returns the requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Reset forgets the requests received, and numbers the next one 1 again,
// so that two runs of one scenario against the same server (the same
// address) get the same answers.
func (s *Server) Reset() {
	s.mu.Lock()
	s.reqs = nil
	s.mu.Unlock()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, MaxBody))
	s.mu.Lock()
	s.reqs = append(s.reqs, Request{Method: r.Method, Host: r.Host, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header.Clone(), Body: body})
	id := "req-" + strconv.Itoa(len(s.reqs))
	s.mu.Unlock()

	status := http.StatusOK
	switch named := r.URL.String() + string(body); {
	case strings.Contains(named, "missing"):
		status = http.StatusBadRequest
	case strings.Contains(named, "broken"):
		status = http.StatusInternalServerError
	}
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		serveJSON(w, r, body, status, id)
	case strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded"):
		serveQuery(w, body, status, id)
	default:
		serveS3(w, r, status, id)
	}
}

// serveJSON answers the AWS JSON protocols.
func serveJSON(w http.ResponseWriter, r *http.Request, body []byte, status int, id string) {
	_, op, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.Header().Set("X-Amzn-Requestid", id)
	if status != http.StatusOK {
		code := errorCode(status, "ResourceNotFoundException", "InternalFailure")
		w.Header().Set("X-Amzn-Errortype", code)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type":%q,"message":"%s"}`, code, strings.ToLower(http.StatusText(status)))
		return
	}
	var out any = map[string]any{}
	switch op {
	case "SendMessage":
		out = map[string]any{"MessageId": "m-1"}
	case "SendMessageBatch":
		var in struct{ Entries []struct{ Id string } }
		json.Unmarshal(body, &in)
		ok := []map[string]string{}
		for i, e := range in.Entries {
			ok = append(ok, map[string]string{"Id": e.Id, "MessageId": "m-" + strconv.Itoa(i+1)})
		}
		out = map[string]any{"Successful": ok, "Failed": []any{}}
	case "ReceiveMessage":
		out = map[string]any{"Messages": []any{}}
	case "GetItem":
		out = map[string]any{"Item": map[string]any{"id": map[string]string{"S": "1"}}}
	case "PutRecord":
		out = map[string]any{"SequenceNumber": "1", "ShardId": "shardId-0"}
	case "PutEvents":
		out = map[string]any{"FailedEntryCount": 0, "Entries": []any{map[string]string{"EventId": "e-1"}}}
	case "StartExecution":
		out = map[string]any{"executionArn": "arn:aws:states:us-east-1:123456789012:execution:machine:x", "startDate": 1}
	}
	json.NewEncoder(w).Encode(out)
}

// serveQuery answers the AWS query protocol.
func serveQuery(w http.ResponseWriter, body []byte, status int, id string) {
	form, _ := url.ParseQuery(string(body))
	action := form.Get("Action")
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-Requestid", id)
	if status != http.StatusOK {
		w.WriteHeader(status)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
			errorCode(status, "NotFound", "InternalError"), strings.ToLower(http.StatusText(status)), id)
		return
	}
	result := ""
	if action == "Publish" {
		result = "<MessageId>m-1</MessageId>"
	}
	fmt.Fprintf(w, `<%[1]sResponse><%[1]sResult>%[2]s</%[1]sResult><ResponseMetadata><RequestId>%[3]s</RequestId></ResponseMetadata></%[1]sResponse>`,
		xmlName(action), result, id)
}

// serveS3 answers the REST-XML protocol of S3.
func serveS3(w http.ResponseWriter, r *http.Request, status int, id string) {
	w.Header().Set("X-Amz-Request-Id", id)
	w.Header().Set("X-Amz-Id-2", "host-"+id)
	if status != http.StatusOK {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(status)
		fmt.Fprintf(w, `<Error><Code>%s</Code><Message>%s</Message><RequestId>%s</RequestId></Error>`,
			errorCode(status, "NoSuchKey", "InternalError"), strings.ToLower(http.StatusText(status)), id)
		return
	}
	q := r.URL.Query()
	switch {
	case r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != "":
		xmlAnswer(w, `<CopyObjectResult><ETag>"etag-copy"</ETag><LastModified>2024-01-01T00:00:00.000Z</LastModified></CopyObjectResult>`)
	case r.Method == http.MethodPut:
		w.Header().Set("ETag", `"etag-put"`)
	case r.Method == http.MethodPost && q.Has("uploads"):
		xmlAnswer(w, `<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>u-1</UploadId></InitiateMultipartUploadResult>`)
	case r.Method == http.MethodPost && q.Has("uploadId"):
		xmlAnswer(w, `<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>"etag-mpu"</ETag></CompleteMultipartUploadResult>`)
	case r.Method == http.MethodGet && q.Get("list-type") == "2":
		xmlAnswer(w, `<ListBucketResult><Name>b</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated></ListBucketResult>`)
	case r.Method == http.MethodGet, r.Method == http.MethodHead:
		w.Header().Set("ETag", `"etag-get"`)
		w.Header().Set("Content-Length", "5")
		if r.Method == http.MethodGet {
			io.WriteString(w, "hello")
		}
	case r.Method == http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	}
}

func xmlAnswer(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/xml")
	io.WriteString(w, body)
}

func errorCode(status int, client, server string) string {
	if status == http.StatusInternalServerError {
		return server
	}
	return client
}

// xmlName keeps an action's name a valid XML name.
func xmlName(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "Unknown"
	}
	return b.String()
}
