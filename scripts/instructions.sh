#!/usr/bin/env bash
# instructions.sh: what metrics add to a fire, in instructions executed (counted by valgrind's
# callgrind), which a loaded machine cannot distort as it does wall-clock times.
#
#   scripts/instructions.sh [FIRES [REPS]]      (make bench-overhead)
#
# Runs the engine's BenchmarkFire and BenchmarkFireWithMetrics (internal/engine) with
# -benchtime FIRES x under callgrind, REPS times each, taking turns; counts only the timed loop
# (from the benchmark's last ResetTimer to its StopTimer: no setup, every goroutine's
# instructions) and prints the median instructions per fire and the ratio, per monitorExecution.
# Installs valgrind (Debian package) when missing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
source "$ROOT/scripts/common.sh"

fires=${1:-5000}
reps=${2:-3}
command -v valgrind >/dev/null || apt_install valgrind

work=$(mktemp -d "${TMPDIR:-/tmp}/ej-instructions.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$ROOT" && go test -c -o "$work/engine.test" ./internal/engine/)

# count BENCH MONITOR: instructions per fire of one benchmark run.
count() {
	local out=$work/out.$1.$2
	rm -f "$out".*
	# asyncpreemptoff: callgrind aborts on the signals Go preempts goroutines with.
	(cd "$work" && GODEBUG=asyncpreemptoff=1 valgrind --tool=callgrind --callgrind-out-file="$out.%p" \
		'--zero-before=testing.(*B).ResetTimer' '--dump-before=testing.(*B).StopTimer' \
		./engine.test -test.run '^$' -test.bench "^$1\$/^monitorExecution=$2\$" -test.benchtime "${fires}x" \
		>"$out.log" 2>&1) || { cat "$out.log" >&2; die "callgrind run of $1 failed (output above)"; }
	# One dump per StopTimer; the timed loop of FIRES fires is the largest.
	cat "$out".[0-9]* | awk -v n="$fires" '/^totals:/ && $2 > max { max = $2 } END { printf "%.0f\n", max / n }'
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

printf '%-22s %14s %14s %8s\n' "instructions per fire" "plain" "metrics" "ratio"
for monitor in false true; do
	plain=() observed=()
	for ((r = 0; r < reps; r++)); do
		plain+=("$(count BenchmarkFire "$monitor")")
		observed+=("$(count BenchmarkFireWithMetrics "$monitor")")
	done
	p=$(printf '%s\n' "${plain[@]}" | median)
	o=$(printf '%s\n' "${observed[@]}" | median)
	printf '%-22s %14s %14s %8s\n' "monitorExecution=$monitor" "$p" "$o" "$(awk -v o="$o" -v p="$p" 'BEGIN { printf "%.3f", o / p }')"
done
