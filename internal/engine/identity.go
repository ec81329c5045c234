package engine

import (
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
)

// InstanceID is ElasticJob's instance id: ip@-@pid.
func InstanceID(ip string, pid int) string { return ip + "@-@" + strconv.Itoa(pid) }

// LocalIP is the first IPv4 address of an up, non-loopback interface: the server id ElasticJob
// derives, without its 100 ms reachability probe.
func LocalIP() (string, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return "", err
	}
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			if v4 := ipn.IP.To4(); v4 != nil && !v4.IsLoopback() && !v4.IsLinkLocalUnicast() {
				return v4.String(), nil
			}
		}
	}
	return "", errors.New("engine: no up, non-loopback IPv4 address; set the IP explicitly")
}

// identity resolves the instance's server IP and id from the overrides.
func identity(ip, id string) (string, string, error) {
	if ip == "" {
		if h, _, ok := cutID(id); ok {
			ip = h
		} else {
			local, err := LocalIP()
			if err != nil {
				return "", "", err
			}
			ip = local
		}
	}
	if id == "" {
		id = InstanceID(ip, os.Getpid())
	}
	return ip, id, nil
}

// cutID splits an instance id into its IP and the rest.
func cutID(id string) (ip, rest string, ok bool) {
	return strings.Cut(id, "@-@")
}
