package console

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"net/http"
)

// Auth is the console's HTTP basic authentication (elasticjob.http.auth.*). Username/Password
// may read and act; GuestUsername/GuestPassword may only read. With no credentials at all
// everyone may act: allowed only on a loopback address (see CheckListen).
type Auth struct {
	Username      string
	Password      string
	GuestUsername string
	GuestPassword string
}

// Enabled says whether any credentials are configured.
func (a Auth) Enabled() bool { return a.Username != "" || a.GuestUsername != "" }

// validate reports a half-configured account; it never includes a password.
func (a Auth) validate() error {
	var errs []error
	if (a.Username == "") != (a.Password == "") {
		errs = append(errs, errors.New("console: elasticjob.http.auth.username and .password must be set together"))
	}
	if (a.GuestUsername == "") != (a.GuestPassword == "") {
		errs = append(errs, errors.New("console: elasticjob.http.auth.guestUsername and .guestPassword must be set together"))
	}
	if a.Username != "" && a.Username == a.GuestUsername {
		errs = append(errs, errors.New("console: elasticjob.http.auth.username and .guestUsername must differ"))
	}
	return errors.Join(errs...)
}

// role is what a request may do.
type role int

const (
	roleNone  role = iota // not authenticated
	roleGuest             // read only
	roleAdmin             // read and act
)

// user is who made a request, for the pages and the audit log.
type user struct {
	name string
	role role
}

func (u user) canAct() bool { return u.role == roleAdmin }

// authenticate maps a request's basic credentials to a user. Comparisons are in constant time
// over digests, so neither the length nor the content of a password leaks through timing.
func (a Auth) authenticate(r *http.Request) user {
	if !a.Enabled() {
		return user{name: "anonymous", role: roleAdmin}
	}
	name, pass, ok := r.BasicAuth()
	if !ok {
		return user{}
	}
	if a.Username != "" && same(name, a.Username) && same(pass, a.Password) {
		return user{name: name, role: roleAdmin}
	}
	if a.GuestUsername != "" && same(name, a.GuestUsername) && same(pass, a.GuestPassword) {
		return user{name: name, role: roleGuest}
	}
	return user{}
}

func same(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}
