package errorhandler

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer is a minimal SMTP server on 127.0.0.1 for one test: EHLO, STARTTLS, AUTH
// PLAIN/LOGIN, MAIL, RCPT, DATA, QUIT, optionally behind implicit TLS.
type smtpServer struct {
	ln          net.Listener
	tls         *tls.Config
	implicitTLS bool
	startTLS    bool   // offer STARTTLS on a plain connection
	mechs       string // AUTH mechanisms offered
	password    string // the accepted password
	got         chan mailSession
	wg          sync.WaitGroup
}

// mailSession is what the server received in one connection.
type mailSession struct {
	tls                bool
	mech, user, secret string
	from               string
	rcpts              []string
	data               string
	transcript         string // client lines, AUTH payloads included
}

type smtpOptions struct {
	implicitTLS, startTLS bool
	mechs                 string
}

func newSMTPServer(t *testing.T, opts smtpOptions) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{
		ln: ln, tls: selfSignedTLS(t), implicitTLS: opts.implicitTLS, startTLS: opts.startTLS,
		mechs: opts.mechs, password: "s3cret pw", got: make(chan mailSession, 4),
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() {
		ln.Close()
		s.wg.Wait()
	})
	return s
}

func (s *smtpServer) port() string {
	_, port, _ := net.SplitHostPort(s.ln.Addr().String())
	return port
}

func (s *smtpServer) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			s.got <- s.session(conn)
		}()
	}
}

func (s *smtpServer) session(conn net.Conn) mailSession {
	var m mailSession
	var transcript strings.Builder
	if s.implicitTLS {
		tc := tls.Server(conn, s.tls)
		if err := tc.Handshake(); err != nil {
			m.transcript = "handshake: " + err.Error()
			return m
		}
		conn, m.tls = tc, true
	}
	r := bufio.NewReader(conn)
	reply := func(lines ...string) {
		for i, l := range lines {
			sep := "-"
			if i == len(lines)-1 {
				sep = " "
			}
			fmt.Fprintf(conn, "%s%s%s\r\n", l[:3], sep, l[4:])
		}
	}
	readLine := func() (string, bool) {
		line, err := r.ReadString('\n')
		transcript.WriteString(line)
		return strings.TrimRight(line, "\r\n"), err == nil
	}
	defer func() { m.transcript = transcript.String() }()

	reply("220 test ESMTP")
	for {
		line, ok := readLine()
		if !ok {
			return m
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO":
			lines := []string{"250 test greets " + arg}
			if s.startTLS && !m.tls {
				lines = append(lines, "250 STARTTLS")
			}
			lines = append(lines, "250 AUTH "+s.mechs, "250 8BITMIME")
			reply(lines...)
		case "STARTTLS":
			reply("220 go ahead")
			tc := tls.Server(conn, s.tls)
			if err := tc.Handshake(); err != nil {
				return m
			}
			conn, m.tls, r = tc, true, bufio.NewReader(tc)
		case "AUTH":
			mech, initial, _ := strings.Cut(arg, " ")
			m.mech = mech
			switch mech {
			case "PLAIN":
				raw, _ := base64.StdEncoding.DecodeString(initial)
				parts := strings.Split(string(raw), "\x00")
				if len(parts) == 3 {
					m.user, m.secret = parts[1], parts[2]
				}
			case "LOGIN":
				reply("334 " + base64.StdEncoding.EncodeToString([]byte("Username:")))
				u, _ := readLine()
				reply("334 " + base64.StdEncoding.EncodeToString([]byte("Password:")))
				p, _ := readLine()
				user, _ := base64.StdEncoding.DecodeString(u)
				pass, _ := base64.StdEncoding.DecodeString(p)
				m.user, m.secret = string(user), string(pass)
			}
			if m.secret == s.password {
				reply("235 2.7.0 Authentication successful")
			} else {
				reply("535 5.7.8 Authentication credentials invalid")
			}
		case "MAIL":
			m.from = between(arg, "<", ">")
			reply("250 OK")
		case "RCPT":
			m.rcpts = append(m.rcpts, between(arg, "<", ">"))
			reply("250 OK")
		case "DATA":
			reply("354 End data with <CR><LF>.<CR><LF>")
			var data strings.Builder
			for {
				l, ok := readLine()
				if !ok || l == "." {
					break
				}
				data.WriteString(strings.TrimPrefix(l, ".") + "\r\n")
			}
			m.data = data.String()
			reply("250 OK queued")
		case "QUIT":
			reply("221 bye")
			return m
		default:
			reply("502 unknown command")
		}
	}
}

func between(s, open, close string) string {
	_, rest, _ := strings.Cut(s, open)
	v, _, _ := strings.Cut(rest, close)
	return v
}

// selfSignedTLS makes a server certificate for 127.0.0.1 that no system root trusts.
func selfSignedTLS(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "test smtp"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
}
