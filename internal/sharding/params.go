package sharding

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseItemParameters parses shardingItemParameters ("0=a,1=b") as ElasticJob does: split on
// ",", trim each part, split it on "=" into exactly two parts (Java's split drops trailing
// empty strings, so "0=" is one part and invalid), then trim key and value; the key must be a
// 32-bit integer. A later entry for the same item wins. "" gives an empty map; an item
// without an entry has no parameter.
func ParseItemParameters(s string) (map[int]string, error) {
	result := map[int]string{}
	if s == "" {
		return result, nil
	}
	for _, part := range javaSplit(s, ",") {
		pair := javaSplit(javaTrim(part), "=")
		if len(pair) != 2 {
			return nil, fmt.Errorf("shardingItemParameters %q: %q is not item=parameter", s, part)
		}
		key := javaTrim(pair[0])
		item, err := strconv.ParseInt(key, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("shardingItemParameters %q: item %q of %q is not an integer", s, key, part)
		}
		result[int(item)] = javaTrim(pair[1])
	}
	return result, nil
}

// javaSplit is String.split with a literal separator: trailing empty strings are removed.
func javaSplit(s, sep string) []string {
	parts := strings.Split(s, sep)
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

// javaTrim is String.trim: it removes every character <= ' ' at both ends.
func javaTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r <= ' ' })
}
