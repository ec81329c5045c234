package engine

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/quartz"
)

func TestIdentityOverrides(t *testing.T) {
	pid := strconv.Itoa(os.Getpid())
	for _, tc := range []struct{ ip, id, wantIP, wantID string }{
		{"10.2.2.2", "", "10.2.2.2", "10.2.2.2@-@" + pid},
		{"", "10.1.1.1@-@5", "10.1.1.1", "10.1.1.1@-@5"},
		{"10.3.3.3", "pod-a", "10.3.3.3", "pod-a"},
	} {
		ip, id, err := identity(tc.ip, tc.id)
		if err != nil || ip != tc.wantIP || id != tc.wantID {
			t.Errorf("identity(%q, %q) = %q, %q, %v; want %q, %q", tc.ip, tc.id, ip, id, err, tc.wantIP, tc.wantID)
		}
	}
	if ip, err := LocalIP(); err == nil {
		if _, id, _ := identity("", ""); id != ip+"@-@"+pid {
			t.Errorf("default id %q, want %q", id, ip+"@-@"+pid)
		}
	}
}

func TestPrevFire(t *testing.T) {
	s, err := quartz.Parse("0/5 * * * * ?", "UTC")
	if err != nil {
		t.Fatal(err)
	}
	at := func(sec, ms int) time.Time { return time.Date(2026, 3, 1, 12, 0, sec, ms*1e6, time.UTC) }
	for _, tc := range []struct{ t, want time.Time }{
		{at(5, 3), at(5, 0)},   // a running node created 3 ms after the fire
		{at(9, 999), at(5, 0)}, // late in the period
		{at(10, 0), at(10, 0)}, // exactly on a fire
	} {
		if got := prevFire(s, tc.t); !got.Equal(tc.want) {
			t.Errorf("prevFire(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
	daily, _ := quartz.Parse("0 0 3 * * ?", "UTC")
	if got, want := prevFire(daily, at(0, 0)), time.Date(2026, 3, 1, 3, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("daily prevFire = %v, want %v", got, want)
	}
}
