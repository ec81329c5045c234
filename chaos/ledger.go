package chaos

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/elasticjob-go/elasticjob/chaos/service/jobs"
)

// readLedgers merges the processes' ledgers, ordered by time. A process killed while writing
// may leave a partial last line: it is skipped, any other unreadable line is an error.
func readLedgers(paths []string) ([]jobs.Entry, error) {
	var all []jobs.Entry
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(f)
		var bad error
		for line := 1; sc.Scan(); line++ {
			if bad != nil {
				f.Close()
				return nil, bad
			}
			var e jobs.Entry
			if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
				bad = fmt.Errorf("%s:%d: %w", path, line, err)
				continue
			}
			all = append(all, e)
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].At < all[b].At })
	return all, nil
}
