package globalconfig

import "testing"

func TestServiceName(t *testing.T) {
	if _, ok := ServiceName(); ok {
		t.Fatal("set before SetServiceName")
	}
	SetServiceName("")
	if s, ok := ServiceName(); !ok || s != "" {
		t.Errorf("%q %v", s, ok)
	}
	SetServiceName("svc")
	if s, ok := ServiceName(); !ok || s != "svc" {
		t.Errorf("%q %v", s, ok)
	}
}

func TestParseHeaderTags(t *testing.T) {
	tags := ParseHeaderTags([]string{"X-A", "x-a:tag.a", ":none", "x-b"})
	if len(tags) != 2 || tags[0].Request != "tag.a" || tags[1].Request != "http.request.headers.x-b" {
		t.Errorf("%+v", tags)
	}
	if ParseHeaderTags(nil) != nil {
		t.Error("no entries")
	}
}
