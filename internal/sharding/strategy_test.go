package sharding

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/elasticjob-go/elasticjob/internal/javastr"
	"github.com/elasticjob-go/elasticjob/internal/jobconf"
)

// The instances of the worked examples below, in registry order [C, B, A].
const (
	instA = "10.0.0.1@-@100"
	instB = "10.0.0.2@-@200"
	instC = "10.0.0.3@-@300"
)

func shard(t *testing.T, strategy string, instances []string, job string, total int) map[string][]int {
	t.Helper()
	s, err := Lookup(strategy)
	if err != nil {
		t.Fatal(err)
	}
	return s.Shard(instances, job, total)
}

// TestWorkedExamples are results of ElasticJob's strategies for three instances, as Java computes
// them (its reverse child order and String.hashCode included).
func TestWorkedExamples(t *testing.T) {
	cba := []string{instC, instB, instA}
	tests := []struct {
		name      string
		strategy  string
		instances []string
		job       string
		total     int
		want      map[string][]int
	}{
		{"avg 9", AvgAllocation, cba, "myJob", 9, map[string][]int{instC: {0, 1, 2}, instB: {3, 4, 5}, instA: {6, 7, 8}}},
		{"avg 8", AvgAllocation, cba, "myJob", 8, map[string][]int{instC: {0, 1, 6}, instB: {2, 3, 7}, instA: {4, 5}}},
		{"avg 10", AvgAllocation, cba, "myJob", 10, map[string][]int{instC: {0, 1, 2, 9}, instB: {3, 4, 5}, instA: {6, 7, 8}}},
		{"avg 2", AvgAllocation, cba, "myJob", 2, map[string][]int{instC: {0}, instB: {1}, instA: {}}},
		{"avg two instances", AvgAllocation, []string{instB, instA}, "myJob", 3, map[string][]int{instB: {0, 2}, instA: {1}}},
		{"default is avg", "", cba, "myJob", 8, map[string][]int{instC: {0, 1, 6}, instB: {2, 3, 7}, instA: {4, 5}}},
		{"odevity odd hash", Odevity, cba, "myJob", 2, map[string][]int{instC: {0}, instB: {1}, instA: {}}},
		{"odevity even hash", Odevity, cba, "orderSyncJob", 2, map[string][]int{instA: {0}, instB: {1}, instC: {}}},
		{"round robin no rotation", RoundRobin, cba, "myJob", 3, map[string][]int{instC: {0}, instB: {1}, instA: {2}}},
		{"round robin rotated", RoundRobin, cba, "javaSimpleJob", 3, map[string][]int{instA: {0}, instC: {1}, instB: {2}}},
		{"round robin rotated 4", RoundRobin, cba, "javaSimpleJob", 4, map[string][]int{instA: {0, 3}, instC: {1}, instB: {2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := shard(t, tt.strategy, tt.instances, tt.job, tt.total); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestReferenceHashes pins the hashes the worked examples rely on.
func TestReferenceHashes(t *testing.T) {
	for job, want := range map[string]int32{"myJob": 104343153, "orderSyncJob": -852485132, "javaSimpleJob": -694093655} {
		if got := javastr.HashCode(job); got != want {
			t.Errorf("HashCode(%q) = %d, want %d", job, got, want)
		}
	}
}

func TestNegativeOddHashIsOdd(t *testing.T) {
	// -694093655 % 2 is -1 in Java: odd, so ODEVITY keeps the order.
	got := shard(t, Odevity, []string{instB, instA}, "javaSimpleJob", 2)
	want := map[string][]int{instB: {0}, instA: {1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestRoundRobinMinValueHash(t *testing.T) {
	name := minValueName(t)
	// |MIN_VALUE| = 2^31; 2^31 % 3 = 2, so [C, B, A] rotates to [A, C, B].
	got := shard(t, RoundRobin, []string{instC, instB, instA}, name, 3)
	want := map[string][]int{instA: {0}, instC: {1}, instB: {2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// With a power-of-two count Java's remainder is 0 too: no rotation.
	got = shard(t, RoundRobin, []string{instB, instA}, name, 2)
	want = map[string][]int{instB: {0}, instA: {1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// minValueName builds a string whose Java hash is Integer.MIN_VALUE: an ASCII prefix with hash
// h followed by two characters c, d with h·31² + c·31 + d ≡ 2^31 (mod 2^32), which exist
// whenever that remainder R is below 31·0xD800 (c = R/31 stays clear of surrogates).
func minValueName(t *testing.T) string {
	t.Helper()
	for p := 0; p < 1<<22; p++ {
		prefix := []byte("aaaaa")
		for i, q := 0, p; i < len(prefix); i, q = i+1, q/26 {
			prefix[i] = byte('a' + q%26)
		}
		h := uint32(javastr.HashCode(string(prefix)))
		r := uint32(1<<31) - h*961
		if r < 31*0xD800 {
			s := string(prefix) + string(rune(r/31)) + string(rune(r%31))
			if javastr.HashCode(s) != math.MinInt32 {
				t.Fatalf("constructed %q hashes to %d", s, javastr.HashCode(s))
			}
			return s
		}
	}
	t.Fatal("no string hashing to MinInt32 found")
	return ""
}

func TestNoInstances(t *testing.T) {
	for _, name := range []string{AvgAllocation, Odevity, RoundRobin} {
		if got := shard(t, name, nil, "myJob", 3); len(got) != 0 {
			t.Errorf("%s: got %v, want empty", name, got)
		}
	}
}

// TestEveryItemOnce checks, for random instance lists and totals, that every strategy gives
// each item to exactly one instance, lists every instance, keeps items ascending and balances
// the load within one item.
func TestEveryItemOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 500; round++ {
		n := 1 + rng.IntN(12)
		instances := make([]string, n)
		for i := range instances {
			instances[i] = randomID(rng, i)
		}
		javastr.SortDescending(instances)
		total := rng.IntN(40)
		job := randomID(rng, round)
		for _, name := range []string{AvgAllocation, Odevity, RoundRobin} {
			got := shard(t, name, instances, job, total)
			if len(got) != n {
				t.Fatalf("%s %v total %d: %d instances in result, want %d", name, instances, total, len(got), n)
			}
			seen := make([]int, total)
			for id, items := range got {
				if !slices.Contains(instances, id) {
					t.Fatalf("%s: unknown instance %q", name, id)
				}
				if !slices.IsSorted(items) {
					t.Fatalf("%s: items of %s not ascending: %v", name, id, items)
				}
				if len(items) < total/n || len(items) > total/n+1 {
					t.Fatalf("%s: %s got %d items of %d over %d instances", name, id, len(items), total, n)
				}
				for _, item := range items {
					seen[item]++
				}
			}
			for item, count := range seen {
				if count != 1 {
					t.Fatalf("%s %v total %d: item %d assigned %d times", name, instances, total, item, count)
				}
			}
		}
	}
}

func randomID(rng *rand.Rand, i int) string {
	var b strings.Builder
	for j := 0; j < 1+rng.IntN(8); j++ {
		b.WriteByte(byte('0' + rng.IntN(75)))
	}
	b.WriteString("@-@")
	b.WriteString(string(rune('a' + i%26)))
	b.WriteString(strings.Repeat("x", i/26))
	return b.String()
}

func TestStrategyDoesNotModifyInput(t *testing.T) {
	in := []string{instC, instB, instA}
	shard(t, Odevity, in, "orderSyncJob", 3)
	shard(t, RoundRobin, in, "javaSimpleJob", 3)
	if !reflect.DeepEqual(in, []string{instC, instB, instA}) {
		t.Errorf("input modified: %v", in)
	}
}

type everythingToFirst struct{}

func (everythingToFirst) Shard(instances []string, _ string, total int) map[string][]int {
	result := map[string][]int{}
	for i, id := range instances {
		result[id] = []int{}
		if i == 0 {
			for item := 0; item < total; item++ {
				result[id] = append(result[id], item)
			}
		}
	}
	return result
}

func TestRegisterAndLookup(t *testing.T) {
	Register("TEST_FIRST", everythingToFirst{})
	got := shard(t, "TEST_FIRST", []string{instB, instA}, "j", 2)
	if want := map[string][]int{instB: {0, 1}, instA: {}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	_, err := Lookup("FOO")
	want := `sharding: unknown strategy "FOO" (known: AVG_ALLOCATION, ODEVITY, ROUND_ROBIN, SINGLE_SHARDING_BALANCE, TEST_FIRST)`
	if err == nil || err.Error() != want {
		t.Errorf("Lookup(FOO) error = %v, want %s", err, want)
	}
}

func TestRegisterPanics(t *testing.T) {
	for name, register := range map[string]func(){
		"duplicate": func() { Register(RoundRobin, roundRobin{}) },
		"empty":     func() { Register("", roundRobin{}) },
		"nil":       func() { Register("TEST_NIL", nil) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("no panic")
				}
			}()
			register()
		})
	}
}

// SINGLE_SHARDING_BALANCE rotates by |hash(jobName) + now in ms| (Java ints): hash("myJob") % 3
// is 0 (ROUND_ROBIN does not rotate it), so each millisecond moves a one-item job on by one
// instance of [C, B, A].
func TestSingleShardingBalanceMovesWithTheClock(t *testing.T) {
	cba := []string{instC, instB, instA}
	for ms, want := range map[int64]map[string][]int{
		0: {instC: {0}, instB: {}, instA: {}},
		1: {instB: {0}, instA: {}, instC: {}},
		2: {instA: {0}, instC: {}, instB: {}},
		3: {instC: {0}, instB: {}, instA: {}},
	} {
		s := singleShardingBalance{now: func() time.Time { return time.UnixMilli(ms) }}
		if got := s.Shard(cba, "myJob", 1); !reflect.DeepEqual(got, want) {
			t.Errorf("at %d ms: got %v, want %v", ms, got, want)
		}
	}
	// The int32 sum wraps as Java's does: 2^32 ms is 0 as a Java int.
	s := singleShardingBalance{now: func() time.Time { return time.UnixMilli(1 << 32) }}
	if got := s.Shard(cba, "myJob", 4); !reflect.DeepEqual(got, map[string][]int{instC: {0, 3}, instB: {1}, instA: {2}}) {
		t.Errorf("at 2^32 ms: got %v", got)
	}
	if _, err := Lookup(SingleShardingBalance); err != nil {
		t.Fatal(err)
	}
}

// Every strategy the configuration schema allows is registered.
func TestSchemaStrategiesAreRegistered(t *testing.T) {
	for _, name := range jobconf.ShardingStrategies {
		if _, err := Lookup(name); err != nil {
			t.Error(err)
		}
	}
}
