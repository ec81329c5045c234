# common.sh: what the server scripts (zookeeper.sh, postgres.sh, mariadb.sh) share; sourced, not run.

die() {
	echo "$(basename "$0"): $*" >&2
	exit 1
}

if ! command -v go >/dev/null && [[ -x /usr/local/go/bin/go ]]; then
	PATH=/usr/local/go/bin:$PATH
fi

# apt_install PKG...: install Debian packages, waiting for other apt users.
apt_install() {
	local sudo=()
	if ((EUID != 0)); then
		command -v sudo >/dev/null || die "installing $* needs root: run as root or install sudo"
		sudo=(sudo -n)
	fi
	local log lock=${TMPDIR:-/tmp}/elasticjob-go-apt.lock
	log=$(mktemp "${TMPDIR:-/tmp}/elasticjob-go-apt.XXXXXX")
	# flock: our own concurrent installs wait for each other; Lock::Timeout: so do other apt users.
	# policy-rc.d 101: the package's own service is not started (the tests start their servers).
	if ! flock -w 600 "$lock" "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 bash -c '
		apt-get -o DPkg::Lock::Timeout=300 update -q &&
		apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends "$@"' \
		apt "$@" >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		rm -f "$log"
		die "apt-get install $* failed (output above)"
	fi
	rm -f "$log"
}

# free_ports N: N distinct free loopback ports below the ephemeral range (scripts/freeport).
free_ports() {
	(cd "$ROOT" && go run ./scripts/freeport "$1") || die "cannot choose $1 free ports"
}

# as_db_user USER CMD...: run CMD as USER when we are root (database servers refuse to run as
# root), as ourselves otherwise. "chown" as CMD makes the directory USER's.
as_db_user() {
	local user=$1
	shift
	if ((EUID != 0)); then
		[[ $1 == chown ]] && return 0
		"$@"
		return
	fi
	if [[ $1 == chown ]]; then
		chown -R "$user:" "$2"
		# every parent must be traversable by the server's user
		local p=$2
		while [[ $p != / ]]; do
			chmod o+x "$p" 2>/dev/null || true
			p=$(dirname "$p")
		done
		return 0
	fi
	runuser -u "$user" -- "$@"
}
