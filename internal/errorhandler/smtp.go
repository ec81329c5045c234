package errorhandler

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// sendTimeout bounds one whole SMTP conversation.
const sendTimeout = 10 * time.Second

// send delivers the notification: connect (implicit TLS, or plain upgraded by STARTTLS when
// the server offers it), authenticate with PLAIN (LOGIN when only that is offered), then
// MAIL, RCPT for to, cc and bcc, DATA and QUIT.
func (h *emailHandler) send(jobName string, cause error) error {
	ctx, cancel := context.WithTimeout(context.Background(), h.timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	addr := net.JoinHostPort(h.host, strconv.Itoa(h.port))

	h.trace("email: connecting", "server", addr, "tls", h.useSSL)
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	if err := conn.SetDeadline(deadline); err != nil {
		conn.Close()
		return err
	}
	if h.useSSL {
		tlsConn := tls.Client(conn, h.tlsConfig())
		if err := tlsConn.HandshakeContext(ctx); err != nil {
			conn.Close()
			return err
		}
		conn = tlsConn
	}
	c, err := smtp.NewClient(conn, h.host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()

	if ok, _ := c.Extension("STARTTLS"); ok && !h.useSSL {
		h.trace("email: STARTTLS")
		if err := c.StartTLS(h.tlsConfig()); err != nil {
			return fmt.Errorf("STARTTLS: %w", err)
		}
	}
	if ok, mechs := c.Extension("AUTH"); ok {
		auth := h.auth(strings.Fields(mechs))
		h.trace("email: authenticating", "username", h.username)
		if err := c.Auth(auth); err != nil {
			return fmt.Errorf("AUTH: %w", err)
		}
	}
	if err := c.Mail(h.from.Address); err != nil {
		return fmt.Errorf("MAIL FROM %s: %w", h.from.Address, err)
	}
	for _, rcpt := range slices.Concat(h.to, h.cc, h.bcc) {
		if err := c.Rcpt(rcpt.Address); err != nil {
			return fmt.Errorf("RCPT TO %s: %w", rcpt.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if _, err := w.Write(h.compose(jobName, cause, time.Now())); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("DATA: %w", err)
	}
	h.trace("email: sent", "recipients", len(h.to)+len(h.cc)+len(h.bcc))
	c.Quit() // the server has accepted the message: a failed goodbye changes nothing
	return nil
}

// trace logs one SMTP step when email.debug is on. Credentials are never passed to it.
func (h *emailHandler) trace(msg string, args ...any) {
	if h.debug {
		h.log.Info(msg, args...)
	}
}

// tlsConfig verifies the server against the system roots unless email.ssl.trust names it
// (or is "*"), as JavaMail's mail.smtp.ssl.trust.
func (h *emailHandler) tlsConfig() *tls.Config {
	trusted := slices.Contains(h.trust, "*") || slices.Contains(h.trust, h.host)
	return &tls.Config{ServerName: h.host, InsecureSkipVerify: trusted, MinVersion: tls.VersionTLS12}
}

// auth picks PLAIN, or LOGIN when the server offers LOGIN but not PLAIN. Both refuse to send
// the password over an unencrypted connection to anything but localhost.
func (h *emailHandler) auth(mechs []string) smtp.Auth {
	if !slices.Contains(mechs, "PLAIN") && slices.Contains(mechs, "LOGIN") {
		return &loginAuth{username: h.username, password: h.password, host: h.host}
	}
	return smtp.PlainAuth("", h.username, h.password, h.host)
}

// compose renders the message: headers (no Bcc), then the HTML body, quoted-printable, with
// the job name and the error HTML-escaped.
func (h *emailHandler) compose(jobName string, cause error, now time.Time) []byte {
	var b bytes.Buffer
	header := func(name, value string) { fmt.Fprintf(&b, "%s: %s\r\n", name, value) }
	header("From", h.from.String())
	header("To", joinAddresses(h.to))
	if len(h.cc) > 0 {
		header("Cc", joinAddresses(h.cc))
	}
	header("Subject", mime.QEncoding.Encode("UTF-8", h.subject))
	header("Date", now.Format(time.RFC1123Z))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/html; charset=UTF-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(message(html.EscapeString(jobName), html.EscapeString(fmt.Sprint(cause)))))
	qp.Close()
	b.WriteString("\r\n")
	return b.Bytes()
}

func joinAddresses(list []*mail.Address) string {
	s := make([]string, len(list))
	for i, a := range list {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}

// loginAuth is the LOGIN mechanism, which net/smtp lacks.
type loginAuth struct{ username, password, host string }

func (a *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && server.Name != "localhost" && server.Name != "127.0.0.1" && server.Name != "::1" {
		return "", nil, errors.New("unencrypted connection")
	}
	if server.Name != a.host {
		return "", nil, errors.New("wrong host name")
	}
	return "LOGIN", nil, nil
}

func (a *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	switch prompt := strings.ToLower(string(fromServer)); {
	case strings.HasPrefix(prompt, "user"):
		return []byte(a.username), nil
	case strings.HasPrefix(prompt, "pass"):
		return []byte(a.password), nil
	default:
		return nil, fmt.Errorf("unexpected LOGIN prompt %q", fromServer)
	}
}
