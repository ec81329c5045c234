package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
)

// Actions are protected against cross-site requests twice: http.CrossOriginProtection rejects a
// POST the browser marks as cross-site (Sec-Fetch-Site, or an Origin that is not the Host), and
// every form carries a token bound to the user, which another site cannot read.
type csrf struct {
	secret []byte
	origin *http.CrossOriginProtection
}

func newCSRF() *csrf {
	secret := make([]byte, 32)
	rand.Read(secret) // never fails (crypto/rand)
	return &csrf{secret: secret, origin: http.NewCrossOriginProtection()}
}

// token is the form token of a user.
func (c *csrf) token(u user) string {
	m := hmac.New(sha256.New, c.secret)
	m.Write([]byte(u.name))
	return hex.EncodeToString(m.Sum(nil))
}

// check says why an action request must be refused, or "" when it may go on.
func (c *csrf) check(r *http.Request, u user) string {
	if err := c.origin.Check(r); err != nil {
		return "cross-origin request refused"
	}
	if !hmac.Equal([]byte(r.PostFormValue("csrf")), []byte(c.token(u))) {
		return "missing or wrong form token (reload the page)"
	}
	return ""
}
