package errorhandler

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hookRequest is what a test robot saw.
type hookRequest struct {
	method, path, contentType, body string
	query                           url.Values
	rawQuery                        string
}

// robot answers every request with status and answer, recording it.
func robot(t *testing.T, status int, answer string) (*httptest.Server, chan hookRequest) {
	t.Helper()
	seen := make(chan hookRequest, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		seen <- hookRequest{r.Method, r.URL.Path, r.Header.Get("Content-Type"), string(body), r.URL.Query(), r.URL.RawQuery}
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	return srv, seen
}

const wantWechatBody = `{"msgtype":"text","text":{"content":"Job 'orderSync' exception occur in job processing, caused by boom <db> & co"}}`

func TestWechatSends(t *testing.T) {
	srv, seen := robot(t, http.StatusOK, `{"errcode":0,"errmsg":"ok"}`)
	log, buf := newTestLog()
	h, err := New("WECHAT", map[string]string{"wechat.webhook": srv.URL + "/cgi-bin/webhook/send?key=secretkey"}, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle("orderSync", errBoom); err != nil {
		t.Errorf("Handle = %v; want nil", err)
	}
	got := <-seen
	if got.method != "POST" || got.path != "/cgi-bin/webhook/send" || got.rawQuery != "key=secretkey" ||
		got.contentType != "application/json; charset=utf-8" || got.body != wantWechatBody {
		t.Errorf("robot saw %+v\nwant POST /cgi-bin/webhook/send?key=secretkey, JSON body %s", got, wantWechatBody)
	}
	wantRecords(t, buf, map[string]any{"level": "INFO", "msg": "wechat notification sent", "job": "orderSync", "cause": "boom <db> & co"})
}

func TestWechatFailuresAreLogged(t *testing.T) {
	tests := []struct {
		status int
		answer string
		want   string
	}{
		{http.StatusInternalServerError, "oops", "answered 500 Internal Server Error"},
		{http.StatusOK, `{"errcode":93000,"errmsg":"invalid webhook url"}`, "errcode 93000: invalid webhook url"},
		{http.StatusOK, `{"errmsg":"?"}`, "answer has no errcode"},
		{http.StatusOK, `<html>`, "answer is not JSON: invalid character '<' looking for beginning of value"},
	}
	for _, tt := range tests {
		srv, _ := robot(t, tt.status, tt.answer)
		log, buf := newTestLog()
		h, err := New("WECHAT", map[string]string{"wechat.webhook": srv.URL + "/send?key=secretkey"}, log)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.Handle("orderSync", errBoom); err != nil {
			t.Errorf("Handle = %v; want nil", err)
		}
		wantRecords(t, buf, map[string]any{
			"level": "ERROR", "msg": "wechat notification failed", "job": "orderSync",
			"webhook": srv.URL + "/send", "error": tt.want, "cause": "boom <db> & co",
		})
	}
}

func TestWechatErrcodeAsString(t *testing.T) {
	srv, _ := robot(t, http.StatusOK, `{"errcode":"0"}`)
	log, buf := newTestLog()
	h, err := New("WECHAT", map[string]string{"wechat.webhook": srv.URL}, log)
	if err != nil {
		t.Fatal(err)
	}
	h.Handle("orderSync", errBoom)
	wantRecords(t, buf, map[string]any{"level": "INFO", "msg": "wechat notification sent", "job": "orderSync", "cause": "boom <db> & co"})
}

func TestWechatReadTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body) // once the body is read, the server notices the client leaving
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}))
	defer srv.Close()
	log, buf := newTestLog()
	h, err := New("WECHAT", map[string]string{"wechat.webhook": srv.URL + "/?key=secretkey", "wechat.readTimeoutMilliseconds": "100"}, log)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	h.Handle("orderSync", errBoom)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Handle took %v with a 100ms read timeout", d)
	}
	recs := buf.records(t)
	if len(recs) != 1 || recs[0]["msg"] != "wechat notification failed" || !strings.HasSuffix(recs[0]["error"].(string), "i/o timeout") {
		t.Errorf("log = %s; want one failure ending in i/o timeout", buf)
	}
	if strings.Contains(buf.String(), "secretkey") {
		t.Errorf("log leaks the webhook key: %s", buf)
	}
}

func TestDingtalkSignedWithKeyword(t *testing.T) {
	srv, seen := robot(t, http.StatusOK, `{"errcode":0,"errmsg":"ok"}`)
	log, buf := newTestLog()
	h, err := New("DINGTALK", map[string]string{
		"dingtalk.webhook": srv.URL + "/robot/send?access_token=tok",
		"dingtalk.keyword": "[alert]", "dingtalk.secret": "SEC0123",
	}, log)
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now().UnixMilli()
	h.Handle("orderSync", errBoom)
	after := time.Now().UnixMilli()

	got := <-seen
	wantBody := `{"msgtype":"text","text":{"content":"[alert]Job 'orderSync' exception occur in job processing, caused by boom <db> & co"}}`
	if got.method != "POST" || got.path != "/robot/send" || got.body != wantBody || got.query.Get("access_token") != "tok" {
		t.Errorf("robot saw %+v; want POST /robot/send?access_token=tok with %s", got, wantBody)
	}
	ts := got.query.Get("timestamp")
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || ms < before || ms > after {
		t.Fatalf("timestamp %q not within [%d, %d]", ts, before, after)
	}
	mac := hmac.New(sha256.New, []byte("SEC0123"))
	mac.Write([]byte(ts + "\nSEC0123"))
	sign := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	wantQuery := "access_token=tok&timestamp=" + ts + "&sign=" + url.QueryEscape(sign)
	if got.rawQuery != wantQuery {
		t.Errorf("query = %s; want %s", got.rawQuery, wantQuery)
	}
	wantRecords(t, buf, map[string]any{"level": "INFO", "msg": "dingtalk notification sent", "job": "orderSync", "cause": "boom <db> & co"})
}

func TestDingtalkUnsigned(t *testing.T) {
	srv, seen := robot(t, http.StatusOK, `{"errcode":310000,"errmsg":"keywords not in content"}`)
	log, buf := newTestLog()
	h, err := New("DINGTALK", map[string]string{"dingtalk.webhook": srv.URL + "/robot/send?access_token=tok"}, log)
	if err != nil {
		t.Fatal(err)
	}
	h.Handle("orderSync", errBoom)
	if got := <-seen; got.rawQuery != "access_token=tok" || got.body != wantWechatBody {
		t.Errorf("robot saw %+v", got)
	}
	wantRecords(t, buf, map[string]any{
		"level": "ERROR", "msg": "dingtalk notification failed", "job": "orderSync",
		"webhook": srv.URL + "/robot/send", "error": "errcode 310000: keywords not in content", "cause": "boom <db> & co",
	})
}

func TestWebhookValidation(t *testing.T) {
	tests := []struct {
		typ   string
		props map[string]string
		want  string
	}{
		{"WECHAT", nil, "wechat.webhook: required"},
		{"WECHAT", map[string]string{"wechat.webhook": "qyapi/send?key=k"}, "wechat.webhook: not an absolute http or https URL"},
		{"WECHAT", map[string]string{"wechat.webhook": "http://h/", "wechat.connectTimeoutMilliseconds": "x"}, `wechat.connectTimeoutMilliseconds: "x" is not a positive int`},
		{"WECHAT", map[string]string{"wechat.webhook": "http://h/", "wechat.readTimeoutMilliseconds": "0"}, `wechat.readTimeoutMilliseconds: "0" is not a positive int`},
		{"DINGTALK", map[string]string{"dingtalk.webhook": " "}, "dingtalk.webhook: required"},
		{"DINGTALK", map[string]string{"dingtalk.webhook": "ftp://h/?access_token=t"}, "dingtalk.webhook: not an absolute http or https URL"},
		{"DINGTALK", map[string]string{"dingtalk.webhook": "https://h/", "dingtalk.connectTimeoutMilliseconds": "-1"}, `dingtalk.connectTimeoutMilliseconds: "-1" is not a positive int`},
		{"DINGTALK", map[string]string{"dingtalk.webhook": "https://h/", "dingtalk.readTimeoutMilliseconds": "1.5"}, `dingtalk.readTimeoutMilliseconds: "1.5" is not a positive int`},
	}
	for _, tt := range tests {
		if _, err := New(tt.typ, tt.props, nil); err == nil || err.Error() != tt.want {
			t.Errorf("New(%s, %q) error = %v; want %s", tt.typ, tt.props, err, tt.want)
		}
	}
}
