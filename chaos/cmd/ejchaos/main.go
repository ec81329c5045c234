// Command ejchaos runs the chaos harness (package chaos) and exits 1 when the figures show a
// broken promise: `make chaos`, `make chaos DURATION=10m SEED=42`.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/elasticjob-go/elasticjob/chaos"
)

func main() {
	duration := flag.Duration("duration", time.Minute, "how long faults are injected")
	seed := flag.Uint64("seed", 0, "seed of the fault schedule; 0 = from the clock (printed)")
	settle := flag.Duration("settle", 15*time.Second, "quiet time after the faults, before the figures")
	dir := flag.String("dir", "", "work directory (kept: ledgers, logs); default a new one under $TMPDIR")
	root := flag.String("root", ".", "repository root")
	flag.Parse()
	if *seed == 0 {
		*seed = uint64(time.Now().UnixNano() % 1_000_000)
	}
	if *dir == "" {
		d, err := os.MkdirTemp("", "ejchaos-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "ejchaos:", err)
			os.Exit(2)
		}
		*dir = d
	}
	fig, err := chaos.Run(chaos.Config{Root: *root, Dir: filepath.Clean(*dir), Duration: *duration, Seed: *seed, Settle: *settle, Out: os.Stdout})
	if err != nil {
		fmt.Fprintln(os.Stderr, "ejchaos:", err)
		os.Exit(2)
	}
	if !fig.OK() {
		fmt.Println("ejchaos: FAIL: the promise was broken (figures above)")
		os.Exit(1)
	}
	fmt.Println("ejchaos: PASS")
}
