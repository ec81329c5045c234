// Package javastr reproduces the two java.lang.String behaviours that leak into ElasticJob's
// ZooKeeper data: compareTo (child ordering, and so sharding) and hashCode (ODEVITY and
// ROUND_ROBIN sharding). Both work on UTF-16 code units, which differs from Go's byte order
// for characters outside the Basic Multilingual Plane.
package javastr

import (
	"sort"
	"unicode/utf16"
)

// Compare is Java's String.compareTo reduced to its sign: -1, 0 or 1.
func Compare(a, b string) int {
	if isASCII(a) && isASCII(b) { // the common case: byte order is code unit order
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			if ua[i] < ub[i] {
				return -1
			}
			return 1
		}
	}
	switch {
	case len(ua) < len(ub):
		return -1
	case len(ua) > len(ub):
		return 1
	}
	return 0
}

// SortDescending sorts s in place in reverse Java string order, the order in which ElasticJob's
// getChildrenKeys returns children.
func SortDescending(s []string) {
	sort.SliceStable(s, func(i, j int) bool { return Compare(s[i], s[j]) > 0 })
}

// HashCode is Java's String.hashCode: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units,
// wrapping at 32 bits.
func HashCode(s string) int32 {
	var h int32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(u)
	}
	return h
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
