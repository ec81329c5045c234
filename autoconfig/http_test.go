package autoconfig

import (
	"fmt"
	"strings"
	"testing"
)

// elasticjob.http binds from files and the environment, the nested auth keys included.
func TestHTTPProperties(t *testing.T) {
	inTempDir(t, map[string]string{"application.yaml": `
elasticjob:
  http:
    address: 127.0.0.1:8080
    console: true
    auth:
      username: root
      guest-username: guest
      guestPassword: guest-secret
`})
	t.Setenv("ELASTICJOB_HTTP_AUTH_PASSWORD", "root-secret")
	props, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := HTTPProperties{Address: "127.0.0.1:8080", Console: true, Auth: HTTPAuthProperties{
		Username: "root", Password: "root-secret", GuestUsername: "guest", GuestPassword: "guest-secret"}}
	if props.HTTP != want {
		t.Fatalf("http %+v, want %+v", props.HTTP, want)
	}
	// Printed, the properties show no password.
	if s := fmt.Sprintf("%+v", props); strings.Contains(s, "secret") {
		t.Fatalf("a password is printed: %s", s)
	}
}

// Each elasticjob.http problem names its file and key; the console on a non-loopback address
// without an account names the keys to set.
func TestHTTPPropertiesErrors(t *testing.T) {
	for _, tc := range []struct{ yaml, want string }{
		{`{address: "8080"}`, `application.yaml: elasticjob.http.address: "8080": want host:port`},
		{`{address: ":80800"}`, `application.yaml: elasticjob.http.address: ":80800": "80800" is not a TCP port`},
		{`{adress: ":8080"}`, `application.yaml: unknown key elasticjob.http.adress (did you mean address?)`},
		{`{console: true, auth: {user: x}}`, `application.yaml: unknown key elasticjob.http.auth.user (known: username, password, guestUsername, guestPassword)`},
		{`{address: ":8080", console: true}`, `application.yaml: elasticjob.http.address: the console on ":8080" is reachable from other hosts: set elasticjob.http.auth.username and elasticjob.http.auth.password, or listen on a loopback address`},
		{`{address: "10.1.2.3:8080", console: true, auth: {username: root}}`, "application.yaml: elasticjob.http.auth.username: set without elasticjob.http.auth.password\n" +
			`application.yaml: elasticjob.http.address: the console on "10.1.2.3:8080" is reachable from other hosts: set elasticjob.http.auth.username and elasticjob.http.auth.password, or listen on a loopback address`},
		{`{console: true, auth: {username: root, password: s, guestPassword: g}}`, `application.yaml: elasticjob.http.auth.guestPassword: set without elasticjob.http.auth.guestUsername`},
		{`{console: true, auth: {guestUsername: g, guestPassword: g}}`, `application.yaml: elasticjob.http.auth.guestUsername: a guest account needs the full-access one: set elasticjob.http.auth.username and elasticjob.http.auth.password`},
		{`{address: ":8080", auth: {username: root, password: s}}`, `application.yaml: elasticjob.http.auth.username: the accounts are the console's, and elasticjob.http.console is not true`},
	} {
		t.Run(tc.yaml, func(t *testing.T) {
			inTempDir(t, map[string]string{"application.yaml": "elasticjob:\n  http: " + tc.yaml + "\n"})
			_, err := load(nil)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("error:\n%v\nwant:\n%s", err, tc.want)
			}
			if strings.Contains(fmt.Sprint(err), "secret") {
				t.Fatalf("a password in the error: %v", err)
			}
		})
	}
	// Loopback addresses need no account.
	for _, addr := range []string{"127.0.0.1:8080", "localhost:0", "[::1]:8080"} {
		inTempDir(t, map[string]string{"application.yaml": "elasticjob:\n  http: {console: true, address: \"" + addr + "\"}\n"})
		if _, err := load(nil); err != nil {
			t.Fatalf("%s: %v", addr, err)
		}
	}
}
