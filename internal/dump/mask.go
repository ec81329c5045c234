package dump

import (
	"regexp"
	"strconv"
	"strings"
)

// ipv4 is ElasticJob's IpUtils.IP_REGEX. Go's regexp picks, among the leftmost matches, the one
// a backtracking engine such as Java's would, so both find the same addresses.
var ipv4 = regexp.MustCompile(`((\d|[1-9]\d|1\d{2}|2[0-4]\d|25[0-5])(\.(1\d{2}|2[0-4]\d|25[0-5]|[1-9]\d|\d)){3})`)

// maskIPs replaces the IPv4 addresses of the entries as ElasticJob's
// SensitiveInfoUtils.filterSensitiveIps does: one numbering for the whole dump, ip1, ip2… in
// first-seen order. Addresses are found in the original entry and each replaced as a plain
// string in the entry as masked so far, all occurrences at once: an address that contains an
// earlier one ("11.2.3.45" after "1.2.3.4") still takes a number, although its text is gone by
// then.
func maskIPs(entries []string) []string {
	fake := map[string]string{}
	out := make([]string, len(entries))
	for i, entry := range entries {
		masked := entry
		for _, ip := range ipv4.FindAllString(entry, -1) {
			f, ok := fake[ip]
			if !ok {
				f = "ip" + strconv.Itoa(len(fake)+1)
				fake[ip] = f
			}
			masked = strings.ReplaceAll(masked, ip, f)
		}
		out[i] = masked
	}
	return out
}
