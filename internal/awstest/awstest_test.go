package awstest

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func do(t *testing.T, s *Server, method, path string, header http.Header, body string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// TestAnswers: one answer of each protocol, the errors, the record and
// Reset.
func TestAnswers(t *testing.T) {
	s := Start()
	defer s.Close()
	json := http.Header{"X-Amz-Target": {"AmazonSQS.SendMessageBatch"}}
	for _, c := range []struct {
		method, path string
		header       http.Header
		body         string
		status       int
		has, id      string
	}{
		{"POST", "/", json, `{"Entries":[{"Id":"a"}]}`, 200, `"Id":"a"`, "req-1"},
		{"POST", "/", http.Header{"X-Amz-Target": {"DynamoDB_20120810.GetItem"}}, `{"TableName":"missing"}`, 400, "ResourceNotFoundException", "req-2"},
		{"POST", "/", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, "Action=Publish&TopicArn=broken", 500, "InternalError", "req-3"},
		{"POST", "/", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, "Action=Pub<lish", 200, "<PublishResponse>", "req-4"},
		{"PUT", "/b/k", nil, "x", 200, "", "req-5"},
		{"PUT", "/b/c", http.Header{"X-Amz-Copy-Source": {"b/k"}}, "", 200, "etag-copy", "req-6"},
		{"GET", "/b/missing", nil, "", 400, "NoSuchKey", "req-7"},
		{"GET", "/b?list-type=2", nil, "", 200, "ListBucketResult", "req-8"},
		{"GET", "/b/k", nil, "", 200, "hello", "req-9"},
		{"DELETE", "/b/k", nil, "", 204, "", "req-10"},
	} {
		res, body := do(t, s, c.method, c.path, c.header, c.body)
		id := res.Header.Get("X-Amzn-Requestid") + res.Header.Get("X-Amz-Request-Id")
		if res.StatusCode != c.status || !strings.Contains(body, c.has) || id != c.id {
			t.Errorf("%s %s: %d %q %s", c.method, c.path, res.StatusCode, body, id)
		}
	}
	if n := len(s.Requests()); n != 10 || string(s.Requests()[4].Body) != "x" {
		t.Errorf("%d requests recorded", n)
	}
	s.Reset()
	if res, _ := do(t, s, "GET", "/b/k", nil, ""); len(s.Requests()) != 1 || res.Header.Get("X-Amz-Request-Id") != "req-1" {
		t.Error("Reset kept requests")
	}
}
