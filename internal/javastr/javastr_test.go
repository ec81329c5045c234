package javastr

import (
	"reflect"
	"testing"
)

func TestHashCodeMatchesJava(t *testing.T) {
	// Values computed by Java's String.hashCode.
	cases := map[string]int32{
		"":              0,
		"a":             97,
		"myJob":         104343153,
		"orderSyncJob":  -852485132,
		"javaSimpleJob": -694093655,
		"😀":             1772899, // surrogate pair: 0xD83D*31 + 0xDE00 = 55357*31 + 56832
	}
	for s, want := range cases {
		if got := HashCode(s); got != want {
			t.Errorf("HashCode(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestSortDescendingIsJavaReverseOrder(t *testing.T) {
	s := []string{"10.0.0.1@-@100", "192.168.1.10@-@1", "10.0.0.3@-@300", "192.168.1.9@-@1", "10.0.0.2@-@200"}
	SortDescending(s)
	want := []string{"192.168.1.9@-@1", "192.168.1.10@-@1", "10.0.0.3@-@300", "10.0.0.2@-@200", "10.0.0.1@-@100"}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("got %q, want %q", s, want)
	}
	items := []string{"9", "10", "1", "2"}
	SortDescending(items)
	if want := []string{"9", "2", "10", "1"}; !reflect.DeepEqual(items, want) {
		t.Fatalf("items: got %q, want %q", items, want)
	}
}

func TestCompareUsesUTF16CodeUnits(t *testing.T) {
	// U+FF61 is one code unit 0xFF61; U+1F600 is the surrogate pair 0xD83D 0xDE00. Java orders the
	// emoji first (0xD83D < 0xFF61) although its code point is larger; Go's byte order would not.
	if got := Compare("\U0001F600", "\uFF61"); got != -1 {
		t.Fatalf("Compare(emoji, U+FF61) = %d, want -1", got)
	}
	if got := Compare("abc", "abcd"); got != -1 {
		t.Fatalf("prefix: got %d", got)
	}
	if got := Compare("b", "a"); got != 1 {
		t.Fatalf("got %d", got)
	}
}
