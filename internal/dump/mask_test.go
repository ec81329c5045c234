package dump

import (
	"slices"
	"testing"
)

func TestMaskIPsNumbersInFirstSeenOrderAcrossEntries(t *testing.T) {
	in := []string{
		"/job/servers/192.168.1.10 | ENABLED",
		"/job/servers/10.0.0.5 | DISABLED",
		"/job/instances/10.0.0.5@-@4242 | jobInstanceId: 10.0.0.5@-@4242\nserverIp: 10.0.0.5\n",
		"/job/leader/election/instance | 192.168.1.10@-@7",
		"/job/config | cron: 0/5 * * * * ?",
		"/job/x | ::1 fe80::1", // IPv6 is not masked
	}
	want := []string{
		"/job/servers/ip1 | ENABLED",
		"/job/servers/ip2 | DISABLED",
		"/job/instances/ip2@-@4242 | jobInstanceId: ip2@-@4242\nserverIp: ip2\n",
		"/job/leader/election/instance | ip1@-@7",
		"/job/config | cron: 0/5 * * * * ?",
		"/job/x | ::1 fe80::1",
	}
	if got := maskIPs(in); !slices.Equal(got, want) {
		t.Fatalf("maskIPs:\n got %q\nwant %q", got, want)
	}
}

// TestMaskIPsKeepsElasticJobsQuirks: the regex has no word boundaries, matches are taken from
// the original entry and replaced as plain strings in the entry masked so far.
func TestMaskIPsKeepsElasticJobsQuirks(t *testing.T) {
	for _, tc := range []struct{ in, want []string }{
		// 1234.5.6.7: the first octet cannot be 1234, the match starts at 234.
		{[]string{"a 1234.5.6.7"}, []string{"a 1ip1"}},
		// 1.2.3.4 is found first and replaced everywhere, inside 11.2.3.45 too; 11.2.3.45 still
		// takes number 2, which the next entry shows.
		{[]string{"1.2.3.4 11.2.3.45", "11.2.3.45"}, []string{"ip1 1ip15", "ip2"}},
		// 256 is not an octet: the match is 56.1.1.1.
		{[]string{"256.1.1.1"}, []string{"2ip1"}},
		// Leading zeros: the octet "01" is not allowed after a dot, so the match stops at 1.0.0.0.
		{[]string{"1.0.0.01"}, []string{"ip11"}},
	} {
		if got := maskIPs(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("maskIPs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
