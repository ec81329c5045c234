package httpclient

import (
	"errors"
	"net/url"
	"testing"
)

func TestSafeURLDropsUserAndQuery(t *testing.T) {
	u, err := url.Parse("https://user:pw@robot.example.com/send%2Fx?key=secret#frag")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := SafeURL(u), "https://robot.example.com/send%2Fx"; got != want {
		t.Fatalf("SafeURL = %q, want %q", got, want)
	}
}

func TestUnwrapURLErrorKeepsOnlyTheCause(t *testing.T) {
	cause := errors.New("connection refused")
	if got := UnwrapURLError(&url.Error{Op: "Post", URL: "https://h/?key=secret", Err: cause}); got != cause {
		t.Fatalf("UnwrapURLError = %v", got)
	}
	if got := UnwrapURLError(cause); got != cause {
		t.Fatalf("UnwrapURLError(plain) = %v", got)
	}
}
