package errorhandler

import (
	"io"
	"maps"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/testkit"
)

func emailProps(s *smtpServer, extra map[string]string) map[string]string {
	props := map[string]string{
		"email.host": "127.0.0.1", "email.port": s.port(),
		"email.username": "robot", "email.password": "s3cret pw",
		"email.from": "ElasticJob <ops@example.com>",
		"email.to":   "a@example.com, B <b@example.com>",
		"email.cc":   "c@example.com", "email.bcc": "hidden@example.com",
	}
	maps.Copy(props, extra)
	return props
}

func sendOne(t *testing.T, s *smtpServer, extra map[string]string) (mailSession, *logBuffer) {
	t.Helper()
	log, buf := newTestLog()
	h, err := New("EMAIL", emailProps(s, extra), log)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Handle("orderSync", errBoom); err != nil {
		t.Errorf("Handle = %v; want nil", err)
	}
	select {
	case m := <-s.got:
		return m, buf
	case <-time.After(10 * time.Second):
		t.Fatal("the SMTP server saw no session")
		return mailSession{}, nil
	}
}

// checkDelivered asserts the envelope and the message of a delivered notification.
func checkDelivered(t *testing.T, m mailSession, wantSubject string) {
	t.Helper()
	if m.user != "robot" || m.secret != "s3cret pw" {
		t.Errorf("AUTH %s user %q secret %q; want robot / s3cret pw", m.mech, m.user, m.secret)
	}
	wantRcpts := []string{"a@example.com", "b@example.com", "c@example.com", "hidden@example.com"}
	if m.from != "ops@example.com" || !slices.Equal(m.rcpts, wantRcpts) {
		t.Errorf("envelope from %q to %q; want ops@example.com to %q", m.from, m.rcpts, wantRcpts)
	}
	msg, err := mail.ReadMessage(strings.NewReader(m.data))
	if err != nil {
		t.Fatalf("message %q: %v", m.data, err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	headers := map[string]string{
		"From": `"ElasticJob" <ops@example.com>`, "To": "<a@example.com>, \"B\" <b@example.com>",
		"Cc": "<c@example.com>", "Bcc": "", "MIME-Version": "1.0",
		"Content-Type": "text/html; charset=UTF-8", "Content-Transfer-Encoding": "quoted-printable",
	}
	for name, want := range headers {
		if got := msg.Header.Get(name); got != want {
			t.Errorf("header %s = %q; want %q", name, got, want)
		}
	}
	if subject != wantSubject {
		t.Errorf("Subject = %q; want %q", subject, wantSubject)
	}
	if date, err := msg.Header.Date(); err != nil || time.Since(date) > time.Minute {
		t.Errorf("Date = %v, %v; want now", date, err)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	want := "Job 'orderSync' exception occur in job processing, caused by boom &lt;db&gt; &amp; co\r\n"
	if string(body) != want {
		t.Errorf("body = %q; want %q", body, want)
	}
}

func sentRecord(port string) map[string]any {
	return map[string]any{"level": "INFO", "msg": "email notification sent", "job": "orderSync", "server": "127.0.0.1:" + port, "cause": "boom <db> & co"}
}

func TestEmailImplicitTLS(t *testing.T) {
	s := newSMTPServer(t, smtpOptions{implicitTLS: true, mechs: "PLAIN LOGIN"})
	m, buf := sendOne(t, s, map[string]string{"email.ssl.trust": "127.0.0.1", "email.subject": "Job failed: 订单"})
	if !m.tls || m.mech != "PLAIN" {
		t.Errorf("session tls=%v mech=%s; want TLS and PLAIN", m.tls, m.mech)
	}
	checkDelivered(t, m, "Job failed: 订单")
	wantRecords(t, buf, sentRecord(s.port()))
}

func TestEmailPlainConnection(t *testing.T) {
	s := newSMTPServer(t, smtpOptions{mechs: "PLAIN"})
	m, buf := sendOne(t, s, map[string]string{"email.useSsl": "false"})
	if m.tls || m.mech != "PLAIN" {
		t.Errorf("session tls=%v mech=%s; want plain and PLAIN", m.tls, m.mech)
	}
	checkDelivered(t, m, "ElasticJob error message")
	wantRecords(t, buf, sentRecord(s.port()))
}

func TestEmailStartTLSWhenOffered(t *testing.T) {
	s := newSMTPServer(t, smtpOptions{startTLS: true, mechs: "LOGIN"})
	m, buf := sendOne(t, s, map[string]string{"email.useSsl": "FALSE", "email.ssl.trust": "*"})
	if !m.tls || m.mech != "LOGIN" {
		t.Errorf("session tls=%v mech=%s; want upgraded TLS and LOGIN", m.tls, m.mech)
	}
	checkDelivered(t, m, "ElasticJob error message")
	wantRecords(t, buf, sentRecord(s.port()))
}

func TestEmailUntrustedCertificate(t *testing.T) {
	s := newSMTPServer(t, smtpOptions{implicitTLS: true, mechs: "PLAIN"})
	_, buf := sendOne(t, s, map[string]string{"email.ssl.trust": "smtp.example.com"})
	recs := buf.records(t)
	if len(recs) != 1 || recs[0]["msg"] != "email notification failed" ||
		!strings.HasSuffix(recs[0]["error"].(string), "x509: certificate signed by unknown authority") {
		t.Errorf("log = %s; want one failure for the unknown authority", buf)
	}
}

func TestEmailAuthFailureLogsNoPassword(t *testing.T) {
	s := newSMTPServer(t, smtpOptions{mechs: "PLAIN"})
	s.password = "another"
	m, buf := sendOne(t, s, map[string]string{"email.useSsl": "false", "email.debug": "true"})
	if m.from != "" || m.data != "" {
		t.Errorf("mail went on after a refused AUTH: %+v", m)
	}
	port := s.port()
	wantRecords(t, buf,
		map[string]any{"level": "INFO", "msg": "email: connecting", "server": "127.0.0.1:" + port, "tls": false},
		map[string]any{"level": "INFO", "msg": "email: authenticating", "username": "robot"},
		map[string]any{
			"level": "ERROR", "msg": "email notification failed", "job": "orderSync", "server": "127.0.0.1:" + port,
			"error": `AUTH: 535 "5.7.8 Authentication credentials invalid"`, "cause": "boom <db> & co",
		})
	if strings.Contains(buf.String(), "s3cret") {
		t.Errorf("log leaks the password: %s", buf)
	}
}

func TestEmailValidation(t *testing.T) {
	full := map[string]string{
		"email.host": "smtp.example.com", "email.port": "465", "email.username": "u",
		"email.password": "p", "email.from": "ops@example.com", "email.to": "a@example.com",
	}
	with := func(key, value string) map[string]string { return testkit.With(full, key, value) }
	tests := []struct {
		props map[string]string
		want  string
	}{
		{with("email.host", testkit.Absent), "email.host: required"},
		{with("email.port", testkit.Absent), "email.port: required"},
		{with("email.port", "x"), `email.port: "x" is not a positive int`},
		{with("email.port", "0"), `email.port: "0" is not a positive int`},
		{with("email.port", "70000"), `email.port: "70000" is not a TCP port`},
		{with("email.username", " "), "email.username: required"},
		{with("email.password", testkit.Absent), "email.password: required"},
		{with("email.from", testkit.Absent), "email.from: required"},
		{with("email.from", "ops"), `email.from: "ops": mail: missing '@' or angle-addr`},
		{with("email.to", testkit.Absent), "email.to: required"},
		{with("email.to", "a@example.com, b"), `email.to: "a@example.com, b": mail: missing '@' or angle-addr`},
		{with("email.cc", "x@"), `email.cc: "x@": mail: missing '@' or angle-addr`},
		{with("email.bcc", "@y"), `email.bcc: "@y": mail: missing word in phrase: mail: invalid string`},
		{with("email.useSsl", "yes"), `email.useSsl: "yes" is not true or false`},
		{with("email.debug", "1"), `email.debug: "1" is not true or false`},
	}
	for _, tt := range tests {
		if _, err := New("EMAIL", tt.props, nil); err == nil || err.Error() != tt.want {
			t.Errorf("New(EMAIL, %q) error = %v; want %s", tt.props, err, tt.want)
		}
	}
	if _, err := New("EMAIL", full, nil); err != nil {
		t.Errorf("New(EMAIL, %q): %v", full, err)
	}
}

func TestEmailTimeout(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{})
	go func() { // a server that never greets: hold the connection until the client leaves
		defer close(accepted)
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		io.Copy(io.Discard, conn)
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	log, buf := newTestLog()
	h, err := New("EMAIL", emailProps(&smtpServer{ln: ln}, map[string]string{"email.useSsl": "false"}), log)
	if err != nil {
		t.Fatal(err)
	}
	h.(*emailHandler).timeout = 200 * time.Millisecond
	start := time.Now()
	h.Handle("orderSync", errBoom)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Handle took %v with a 200ms timeout", d)
	}
	<-accepted
	recs := buf.records(t)
	if len(recs) != 1 || recs[0]["server"] != "127.0.0.1:"+port || !strings.HasSuffix(recs[0]["error"].(string), "i/o timeout") {
		t.Errorf("log = %s; want one failure ending in i/o timeout", buf)
	}
}
