#!/usr/bin/env bash
# zookeeper.sh: install ZooKeeper 3.8 from Debian's packages and run throwaway servers on loopback
# for the tests (see README.md, "Testing").
#
#   zookeeper.sh install                 install the jars once (apt-get, as root or through sudo)
#   zookeeper.sh start-standalone DIR    one server; its connect string goes to DIR/servers
#   zookeeper.sh start-ensemble DIR      three nodes in DIR/node{1,2,3}; connect string in DIR/ensemble
#   zookeeper.sh stop DIR                stop every server recorded in DIR (idempotent)
#
# A server's directory holds zoo.cfg, data/, zk.log, pid, addr (its client address) and cmd: its
# exact command line, one argument per line, so that a test can kill a node and start it again.
set -euo pipefail

readonly ZK_JAR=/usr/share/java/zookeeper.jar
readonly SLF4J_JAR=/usr/share/java/slf4j-simple.jar
readonly QUARTZ_JAR=/usr/share/java/quartz2.jar # for the golden-table generator, not for the servers
readonly MAIN_CLASS=org.apache.zookeeper.server.quorum.QuorumPeerMain
readonly ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly READY_TIMEOUT=${ZK_READY_TIMEOUT:-60} # seconds; a loaded 2-core machine starts JVMs slowly
readonly HEAP=${ZK_HEAP:-64m} # -Xmx of each server; the benchmarks (make bench) hold 10,000 jobs
# The JIT: the tests' servers stop at C1 (ZK_JIT=fast), which starts them quickly; the benchmarks
# measure a server as production runs it, with the JVM's full JIT (ZK_JIT=full).
readonly JIT=${ZK_JIT:-fast}
readonly START_ATTEMPTS=3 # a port taken between choice and bind: try new ports
# An ensemble's syncLimit in ticks of 200 ms: how long a leader and its followers wait for each other
# before they drop out and elect again. 5 (1 s) lets the tests see a paused leader replaced fast; a
# harness that pauses the whole ensemble, or starves it of CPU, for longer needs more.
readonly SYNC_LIMIT=${ZK_SYNC_LIMIT:-5}

source "$ROOT/scripts/common.sh" # die, apt_install, free_ports

now() { echo "${EPOCHREALTIME/,/.}"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- install ---------------------------------------------------------------------------------

cmd_install() {
	local missing=0 f
	for f in "$ZK_JAR" "$SLF4J_JAR" "$QUARTZ_JAR"; do
		[[ -f $f ]] || missing=1
	done
	command -v java >/dev/null || missing=1
	((missing)) || return 0

	local pkgs=(libzookeeper-java libslf4j-java libquartz2-java)
	command -v java >/dev/null || pkgs+=(default-jre-headless)
	apt_install "${pkgs[@]}"
	for f in "$ZK_JAR" "$SLF4J_JAR" "$QUARTZ_JAR"; do
		[[ -f $f ]] || die "apt-get installed ${pkgs[*]} but $f is still missing"
	done
}

# --- one server ------------------------------------------------------------------------------

# is_ours PID NODEDIR: PID is a live QuorumPeerMain started on NODEDIR/zoo.cfg (PIDs wrap; a
# zombie's cmdline is empty, so a dead server is never "ours").
is_ours() {
	local pid=$1 dir=$2 arg main=0 cfg=0
	[[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
	while IFS= read -r -d '' arg; do
		if [[ $arg == "$MAIN_CLASS" ]]; then
			main=1
		elif [[ $arg == "$dir/zoo.cfg" ]]; then
			cfg=1
		fi
	done </proc/"$pid"/cmdline 2>/dev/null || return 1 # gone meanwhile
	((main && cfg))
}

recorded_pid() { [[ -f $1/pid ]] && cat "$1/pid" || true; }

running() {
	local pid
	pid=$(recorded_pid "$1")
	[[ -n $pid ]] && is_ours "$pid" "$1"
}

# srvr ADDR: the answer to the 4-letter command; a SIGSTOPped server accepts but never answers.
srvr() {
	timeout 2 bash -c 'exec 3<>"/dev/tcp/${0%:*}/${0##*:}" && printf srvr >&3 && cat <&3' "$1" 2>/dev/null || true
}

# write_node NODEDIR CLIENTPORT [EXTRA_CFG_LINES...]: zoo.cfg, addr and cmd of one server.
write_node() {
	local dir=$1 port=$2
	shift 2
	mkdir -p "$dir/data"
	{
		echo "tickTime=200"
		echo "maxSessionTimeout=60000"
		echo "dataDir=$dir/data"
		echo "clientPort=$port"
		echo "clientPortAddress=127.0.0.1"
		echo "maxClientCnxns=0"
		echo "admin.enableServer=false"
		echo "4lw.commands.whitelist=*"
		echo "preAllocSize=4096"
		local line
		for line in "$@"; do echo "$line"; done
	} >"$dir/zoo.cfg"
	echo "127.0.0.1:$port" >"$dir/addr"
	local jit=-XX:TieredStopAtLevel=1
	[[ $JIT == full ]] && jit=-XX:+TieredCompilation
	printf '%s\n' "$(command -v java)" -Xms16m "-Xmx$HEAP" -XX:+UseSerialGC "$jit" \
		-Djava.net.preferIPv4Stack=true -Dzookeeper.forceSync=no -Dzookeeper.extendedTypesEnabled=true \
		-Dznode.container.checkIntervalMs=1000 \
		-Dorg.slf4j.simpleLogger.showDateTime=true -Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS \
		-cp "$ZK_JAR:$SLF4J_JAR" "$MAIN_CLASS" "$dir/zoo.cfg" >"$dir/cmd"
}

# launch NODEDIR: start the recorded command detached (own session, so a Ctrl-C in the terminal
# reaches only the caller, whose trap stops the servers) and record its PID.
launch() {
	local dir=$1 args
	mapfile -t args <"$dir/cmd"
	setsid "${args[@]}" </dev/null >>"$dir/zk.log" 2>&1 &
	echo $! >"$dir/pid"
}

# serving NODEDIR: srvr reports a Mode (standalone, leader or follower), and the recorded PID is
# the server we launched.
serving() {
	[[ $(srvr "$(<"$1/addr")") == *$'\n'Mode:\ * ]] && is_ours "$(recorded_pid "$1")" "$1"
}

# wait_ready NODEDIR...: until every node serves; fails when one exits or at READY_TIMEOUT.
wait_ready() {
	local deadline=$((SECONDS + READY_TIMEOUT)) dir ready
	while ((SECONDS < deadline)); do
		ready=1
		for dir in "$@"; do
			exited "$(recorded_pid "$dir")" && return 1
			serving "$dir" || ready=0
		done
		((ready)) && return 0
		sleep 0.1
	done
	return 1
}

# port_taken NODEDIR...: a node could not bind a port: free when chosen, taken since.
port_taken() {
	local dir
	for dir in "$@"; do
		grep -qs 'Address already in use' "$dir/zk.log" && return 0
	done
	return 1
}

# report NODEDIR...: says which nodes do not serve, and why, with their log tails.
report() {
	local dir pid
	for dir in "$@"; do
		serving "$dir" && continue
		pid=$(recorded_pid "$dir")
		if exited "$pid"; then
			echo "zookeeper.sh: $dir (pid $pid, $(<"$dir/addr")) exited; last log lines:" >&2
		else
			echo "zookeeper.sh: $dir (pid $pid, $(<"$dir/addr")) not serving after ${READY_TIMEOUT}s; last log lines:" >&2
		fi
		tail -n 25 "$dir/zk.log" >&2 || true
	done
}

# alive NODEDIR...: prints the nodes whose recorded PID is still our server.
alive() {
	local dir
	for dir in "$@"; do
		is_ours "$(recorded_pid "$dir")" "$dir" && echo "$dir"
	done
	return 0
}

# exited PID: no such process, or a zombie whose other threads are gone too. (A dying JVM's
# cmdline empties before its sockets close, and its main thread can be a zombie while other
# threads still hold them: neither tells that its ports are free.)
exited() {
	local stat tasks
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	stat=${stat##*) }
	[[ ${stat:0:1} == [ZX] ]] || return 1
	tasks=(/proc/"$1"/task/*)
	((${#tasks[@]} <= 1))
}

# wait_gone NODEDIR...: up to 5 s for the nodes' processes to exit; prints those still running.
wait_gone() {
	local step dir left
	for ((step = 0; step < 50; step++)); do
		left=()
		for dir in "$@"; do
			exited "$(recorded_pid "$dir")" || left+=("$dir")
		done
		((${#left[@]} == 0)) && return 0
		sleep 0.1
	done
	printf '%s\n' "${left[@]}"
}

# stop_nodes NODEDIR...: SIGCONT (a stopped JVM ignores TERM until continued), TERM, up to 5 s,
# then KILL; only PIDs that are still our server.
stop_nodes() {
	local dir live
	mapfile -t live < <(alive "$@")
	for dir in "${live[@]}"; do
		kill -CONT "$(recorded_pid "$dir")" 2>/dev/null || true
		kill -TERM "$(recorded_pid "$dir")" 2>/dev/null || true
	done
	((${#live[@]} == 0)) || mapfile -t live < <(wait_gone "${live[@]}")
	for dir in "${live[@]}"; do
		kill -KILL "$(recorded_pid "$dir")" 2>/dev/null || true
	done
	((${#live[@]} == 0)) || mapfile -t live < <(wait_gone "${live[@]}")
	for dir in "${live[@]}"; do
		echo "zookeeper.sh: pid $(recorded_pid "$dir") of $dir survived SIGKILL" >&2
	done
	((${#live[@]} == 0)) || return 1
	for dir in "$@"; do rm -f "$dir/pid"; done
}

# --- commands --------------------------------------------------------------------------------

# prepare DIR: an absolute path; refuses a directory whose servers still run.
prepare() {
	[[ -n ${1:-} ]] || die "missing DIR argument"
	mkdir -p "$1"
	local dir
	dir=$(cd "$1" && pwd)
	local n
	for n in "$dir" "$dir"/node*; do
		[[ -d $n ]] && running "$n" && die "$n: a server is still running (pid $(recorded_pid "$n")): run 'zookeeper.sh stop $1' first"
	done
	echo "$dir"
}

# already_up DIR FILE NODEDIR...: the servers of DIR all run from an earlier start: say so.
already_up() {
	local dir=$1 file=$2 n
	shift 2
	[[ -f $dir/$file ]] || return 1
	for n in "$@"; do running "$n" || return 1; done
	echo "zookeeper.sh: $(<"$dir/$file") already running ($dir)" >&2
}

cmd_start_standalone() {
	local dir attempt t0 port
	[[ -d ${1:-} ]] && already_up "$(cd "$1" && pwd)" servers "$(cd "$1" && pwd)" && return 0
	dir=$(prepare "${1:-}")
	t0=$(now)
	for ((attempt = 1; attempt <= START_ATTEMPTS; attempt++)); do
		rm -rf "$dir/data" "$dir/zk.log" "$dir/servers"
		port=$(free_ports 1)
		write_node "$dir" "$port"
		launch "$dir"
		wait_ready "$dir" && break
		((attempt < START_ATTEMPTS)) && port_taken "$dir" && stop_nodes "$dir" && continue
		report "$dir"
		stop_nodes "$dir" || true
		die "standalone server in $dir did not start"
	done
	cp "$dir/addr" "$dir/servers"
	echo "zookeeper.sh: standalone $(<"$dir/servers") serving after $(since "$t0")s ($dir)" >&2
}

cmd_start_ensemble() {
	local dir attempt t0 n ports nodes=()
	[[ -d ${1:-} ]] && already_up "$(cd "$1" && pwd)" ensemble "$(cd "$1" && pwd)"/node{1,2,3} && return 0
	dir=$(prepare "${1:-}")
	t0=$(now)
	for n in 1 2 3; do nodes+=("$dir/node$n"); done
	for ((attempt = 1; attempt <= START_ATTEMPTS; attempt++)); do
		rm -rf "${nodes[@]}" "$dir/ensemble"
		ports=$(free_ports 9)
		read -r -a ports <<<"$ports"
		# ports: the three client ports, then each node's quorum and election port.
		local servers=()
		for n in 1 2 3; do
			servers+=("server.$n=127.0.0.1:${ports[1 + 2 * n]}:${ports[2 + 2 * n]}")
		done
		for n in 1 2 3; do
			write_node "$dir/node$n" "${ports[n - 1]}" initLimit=50 "syncLimit=$SYNC_LIMIT" reconfigEnabled=false "${servers[@]}"
			echo "$n" >"$dir/node$n/data/myid"
		done
		for n in 1 2 3; do launch "$dir/node$n"; done
		wait_ready "${nodes[@]}" && break
		((attempt < START_ATTEMPTS)) && port_taken "${nodes[@]}" && stop_nodes "${nodes[@]}" && continue
		report "${nodes[@]}"
		stop_nodes "${nodes[@]}" || true
		die "ensemble in $dir did not reach quorum"
	done
	cat "$dir"/node{1,2,3}/addr | paste -sd, >"$dir/ensemble"
	echo "zookeeper.sh: ensemble $(<"$dir/ensemble") has quorum after $(since "$t0")s ($dir)" >&2
}

cmd_stop() {
	[[ -n ${1:-} ]] || die "missing DIR argument"
	[[ -d $1 ]] || return 0
	local dir n nodes=()
	dir=$(cd "$1" && pwd)
	for n in "$dir" "$dir"/node*; do
		[[ -f $n/pid ]] && nodes+=("$n")
	done
	((${#nodes[@]} == 0)) || stop_nodes "${nodes[@]}"
}

case ${1:-} in
install) cmd_install ;;
start-standalone) cmd_start_standalone "${2:-}" ;;
start-ensemble) cmd_start_ensemble "${2:-}" ;;
stop) cmd_stop "${2:-}" ;;
*) die "usage: zookeeper.sh install | start-standalone DIR | start-ensemble DIR | stop DIR" ;;
esac
