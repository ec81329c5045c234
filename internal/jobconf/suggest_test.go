package jobconf

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"cron", "", 4},
		{"cron", "cron", 0},
		{"cronn", "cron", 1},
		{"jbo", "job", 1}, // transposition
		{"misfier", "misfire", 1},
		{"kitten", "sitting", 3},
		{"shardingcount", "shardingtotalcount", 5},
	} {
		assert.Equal(t, tc.want, distance(tc.a, tc.b), "%s/%s", tc.a, tc.b)
		assert.Equal(t, tc.want, distance(tc.b, tc.a), "%s/%s", tc.b, tc.a)
	}
}

func TestSuggest(t *testing.T) {
	keys := []string{"cron", "failover", "misfire", "shardingTotalCount", "timeZone"}
	for word, want := range map[string]string{
		"timezone":           "timeZone", // case only
		"TIMEZONE":           "timeZone",
		"crn":                "cron",
		"falover":            "failover",
		"shardingTotalCont":  "shardingTotalCount",
		"shardingCount":      "", // too far to be a typo
		"x":                  "",
		"misfireOnRecovery":  "",
		"shardingtotalcount": "shardingTotalCount",
	} {
		assert.Equal(t, want, Suggest(word, keys, keys), word)
	}
}
