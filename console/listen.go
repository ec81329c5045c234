package console

import (
	"fmt"
	"net"

	"github.com/elasticjob-go/elasticjob/autoconfig"
)

// CheckListen refuses to serve the console on a non-loopback address without credentials:
// anyone who reaches it could trigger, disable or remove jobs. An empty host (":8899") listens on
// every interface and counts as non-loopback; "localhost" counts as loopback (autoconfig.Loopback,
// the service's own check).
func CheckListen(address string, auth Auth) error {
	if auth.Enabled() {
		return nil
	}
	if _, _, err := net.SplitHostPort(address); err != nil {
		return fmt.Errorf("console: listen address %q: %v", address, err)
	}
	if autoconfig.Loopback(address) {
		return nil
	}
	return fmt.Errorf("console: listen address %q is not a loopback address and no credentials are set: "+
		"set elasticjob.http.auth.username and .password (and optionally .guestUsername and .guestPassword), or listen on 127.0.0.1", address)
}
