package console

import (
	"fmt"
	"net"
	"net/netip"
)

// CheckListen refuses to serve the console on a non-loopback address without credentials:
// anyone who reaches it could trigger, disable or remove jobs. An empty host (":8899") listens on
// every interface and counts as non-loopback; "localhost" counts as loopback.
func CheckListen(address string, auth Auth) error {
	if auth.Enabled() {
		return nil
	}
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("console: listen address %q: %v", address, err)
	}
	if isLoopback(host) {
		return nil
	}
	return fmt.Errorf("console: listen address %q is not a loopback address and no credentials are set: "+
		"set elasticjob.http.auth.username and .password (and optionally .guestUsername and .guestPassword), or listen on 127.0.0.1", address)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
