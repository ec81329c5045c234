package jobtype

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

// request is what a test server saw.
type request struct {
	method, path, shardingContext, contentType, body string
}

// recordingServer answers status after recording each request.
func recordingServer(t *testing.T, status int) (*httptest.Server, chan request) {
	t.Helper()
	seen := make(chan request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		seen <- request{r.Method, r.URL.Path, r.Header.Get("shardingContext"), r.Header.Get("Content-Type"), string(body)}
		w.WriteHeader(status)
		io.WriteString(w, "done")
	}))
	t.Cleanup(srv.Close)
	return srv, seen
}

func newHTTP(t *testing.T, props map[string]string) *HTTPJob {
	t.Helper()
	job, err := HTTP(props)
	if err != nil {
		t.Fatalf("HTTP(%q): %v", props, err)
	}
	return job
}

func TestHTTPPostSendsContextHeaderAndBody(t *testing.T) {
	srv, seen := recordingServer(t, http.StatusOK)
	job := newHTTP(t, map[string]string{
		HTTPURIKey: srv.URL + "/run", HTTPMethodKey: "POST", HTTPDataKey: "name=上海&x=1",
		HTTPContentTypeKey: "application/x-www-form-urlencoded",
	})
	if err := job.RunItem(context.Background(), testContext); err != nil {
		t.Fatal(err)
	}
	want := request{"POST", "/run", testContextJSON, "application/x-www-form-urlencoded", "name=上海&x=1"}
	if got := <-seen; got != want {
		t.Errorf("server saw\n %+v\nwant\n %+v", got, want)
	}
}

func TestHTTPBodyOnlyForWriteMethods(t *testing.T) {
	for _, method := range []string{"GET", "PUT", "DELETE", "OPTIONS"} {
		srv, seen := recordingServer(t, http.StatusNoContent)
		job := newHTTP(t, map[string]string{HTTPURIKey: srv.URL, HTTPMethodKey: strings.ToLower(method), HTTPDataKey: "payload"})
		if err := job.RunItem(context.Background(), testContext); err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		wantBody := ""
		if method == "PUT" || method == "DELETE" {
			wantBody = "payload"
		}
		want := request{method, "/", testContextJSON, "", wantBody}
		if got := <-seen; got != want {
			t.Errorf("%s: server saw %+v; want %+v", method, got, want)
		}
	}
}

// The header name goes on the wire as ElasticJob spells it, not canonicalised.
func TestHTTPHeaderNameOnTheWire(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	head := make(chan string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			head <- err.Error()
			return
		}
		defer conn.Close()
		r := bufio.NewReader(conn)
		var b strings.Builder
		for {
			line, err := r.ReadString('\n')
			b.WriteString(line)
			if err != nil || line == "\r\n" {
				break
			}
		}
		head <- b.String()
		io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	}()
	job := newHTTP(t, map[string]string{HTTPURIKey: "http://" + ln.Addr().String() + "/x", HTTPMethodKey: "GET"})
	if err := job.RunItem(context.Background(), testContext); err != nil {
		t.Fatal(err)
	}
	if got, want := <-head, "\r\nshardingContext: "+testContextJSON+"\r\n"; !strings.Contains(got, want) {
		t.Errorf("request head\n%s\nlacks %q", got, want)
	}
}

func TestHTTPErrorStatusFails(t *testing.T) {
	srv, _ := recordingServer(t, http.StatusInternalServerError)
	job := newHTTP(t, map[string]string{HTTPURIKey: srv.URL + "/x?token=secret", HTTPMethodKey: "POST"})
	err := job.RunItem(context.Background(), testContext)
	want := "http job: POST " + srv.URL + "/x answered 500 Internal Server Error"
	if err == nil || err.Error() != want {
		t.Errorf("RunItem error = %v; want %s", err, want)
	}
}

func TestHTTPClientErrorStatusFails(t *testing.T) {
	srv, _ := recordingServer(t, http.StatusNotFound)
	job := newHTTP(t, map[string]string{HTTPURIKey: srv.URL + "/missing", HTTPMethodKey: "GET"})
	err := job.RunItem(context.Background(), testContext)
	want := "http job: GET " + srv.URL + "/missing answered 404 Not Found"
	if err == nil || err.Error() != want {
		t.Errorf("RunItem error = %v; want %s", err, want)
	}
}

// stallingServer sends nothing (or only the response head) until the client goes away.
func stallingServer(t *testing.T, sendHead bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if sendHead {
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestHTTPReadTimeout(t *testing.T) {
	for _, sendHead := range []bool{false, true} {
		srv := stallingServer(t, sendHead)
		job := newHTTP(t, map[string]string{HTTPURIKey: srv.URL + "/slow", HTTPMethodKey: "GET", HTTPReadTimeoutKey: "100"})
		start := time.Now()
		err := job.RunItem(context.Background(), testContext)
		prefix := "http job: GET " + srv.URL + "/slow: "
		if sendHead {
			prefix += "read response: "
		}
		if err == nil || !strings.HasPrefix(err.Error(), prefix) || !strings.HasSuffix(err.Error(), "i/o timeout") {
			t.Errorf("sendHead=%v: RunItem error = %v; want %s...i/o timeout", sendHead, err, prefix)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("sendHead=%v: RunItem took %v with a 100ms read timeout", sendHead, d)
		}
	}
}

func TestHTTPContextCancel(t *testing.T) {
	srv := stallingServer(t, false)
	job := newHTTP(t, map[string]string{HTTPURIKey: srv.URL, HTTPMethodKey: "GET"})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	err := job.RunItem(ctx, testContext)
	want := "http job: GET " + srv.URL + ": context deadline exceeded"
	if err == nil || err.Error() != want {
		t.Errorf("RunItem error = %v; want %s", err, want)
	}
}

func TestHTTPConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	job := newHTTP(t, map[string]string{HTTPURIKey: "http://" + addr + "/x", HTTPMethodKey: "GET"})
	err = job.RunItem(context.Background(), testContext)
	if err == nil || !strings.HasPrefix(err.Error(), "http job: GET http://"+addr+"/x: dial tcp") || !strings.HasSuffix(err.Error(), "connection refused") {
		t.Errorf("RunItem error = %v; want a refused dial", err)
	}
}

func TestHTTPValidation(t *testing.T) {
	ok := map[string]string{HTTPURIKey: "http://localhost/x", HTTPMethodKey: "GET"}
	with := func(k, v string) map[string]string { return testkit.With(ok, k, v) }
	tests := []struct {
		props map[string]string
		want  string
	}{
		{with(HTTPURIKey, testkit.Absent), "http.uri: required"},
		{with(HTTPURIKey, " "), "http.uri: required"},
		{with(HTTPURIKey, "ftp://user:pw@host/x"), "http.uri: not an absolute http or https URL"},
		{with(HTTPURIKey, "/relative"), "http.uri: not an absolute http or https URL"},
		{with(HTTPURIKey, "http://a b/"), "http.uri: not an absolute http or https URL"},
		{with(HTTPMethodKey, testkit.Absent), "http.method: required"},
		{with(HTTPMethodKey, "PATCH"), `http.method: "PATCH": want one of GET, POST, HEAD, OPTIONS, PUT, DELETE, TRACE`},
		{with(HTTPConnectTimeoutKey, "x"), `http.connect.timeout.milliseconds: "x" is not a positive int`},
		{with(HTTPConnectTimeoutKey, "0"), `http.connect.timeout.milliseconds: "0" is not a positive int`},
		{with(HTTPConnectTimeoutKey, "3000000000"), `http.connect.timeout.milliseconds: "3000000000" is not a positive int`},
		{with(HTTPReadTimeoutKey, "-5"), `http.read.timeout.milliseconds: "-5" is not a positive int`},
	}
	for _, tt := range tests {
		if _, err := HTTP(tt.props); err == nil || err.Error() != tt.want {
			t.Errorf("HTTP(%q) error = %v; want %s", tt.props, err, tt.want)
		}
	}
	if _, err := HTTP(ok); err != nil {
		t.Errorf("HTTP(%q): %v", ok, err)
	}
}
