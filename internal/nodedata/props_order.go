package nodedata

import (
	"slices"

	"github.com/elasticjob-go/elasticjob/internal/javastr"
)

// propsOrder returns the keys of props in the order SnakeYAML writes them: the iteration
// order of java.util.Properties, which since Java 9 is that of the ConcurrentHashMap behind
// it. Its table starts at 16 buckets and doubles each time the size reaches 3/4 of it; a key
// goes to bucket spread(hashCode) & (n-1) and iteration walks the buckets in order.
//
// Within one bucket Java's order is insertion order (resizes may shuffle it), which a Go map
// does not have; such keys come in Java string order, as if inserted in that order.
// Java 8's Properties (a Hashtable) iterates differently; 3.0.4 on Java 8 is not matched.
func propsOrder(props map[string]string) []string {
	n := uint32(16)
	for uint32(len(props)) >= n-n/4 {
		n *= 2
	}
	bucket := func(k string) uint32 {
		h := uint32(javastr.HashCode(k))
		return (h ^ h>>16) & 0x7fffffff & (n - 1)
	}
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if ba, bb := bucket(a), bucket(b); ba != bb {
			return int(ba) - int(bb)
		}
		return javastr.Compare(a, b)
	})
	return keys
}
