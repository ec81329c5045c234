#!/usr/bin/env bash
# postgres.sh: install PostgreSQL from Debian's packages and run a throwaway server on loopback
# for the tracing tests (see README.md, "Testing").
#
#   postgres.sh install      install the server once (apt-get, as root or through sudo)
#   postgres.sh start DIR    a cluster in DIR (owned by the postgres user when run as root) on a
#                            free port; its URL (jdbc:postgresql://…) goes to DIR/url
#   postgres.sh stop DIR     stop it (idempotent)
#   postgres.sh restart DIR  start it again on the same port and data (the fault test's restart)
set -euo pipefail
readonly ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/common.sh"

bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[[ -n $d && -x $d/initdb ]] || return 1
	echo "$d"
}

cmd_install() {
	bindir >/dev/null || apt_install postgresql
	bindir >/dev/null || die "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb"
}

cmd_start() {
	local dir=$1 bin port
	bin=$(bindir) || die "PostgreSQL is not installed: run scripts/postgres.sh install"
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	as_db_user postgres chown "$dir"
	if [[ ! -f $dir/data/PG_VERSION ]]; then
		as_db_user postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 ||
			{ tail -n 20 "$dir/initdb.log" >&2; die "initdb failed"; }
	fi
	port=$(cat "$dir/port" 2>/dev/null || free_ports 1)
	echo "$port" >"$dir/port"
	# fsync off: a test server (the machine does not crash under it), but every commit reaches the
	# WAL before it is acknowledged: the fault test kills the server and expects its rows back.
	# The socket directory is DIR, not /var/run.
	as_db_user postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=100" start >/dev/null ||
		{ tail -n 20 "$dir/server.log" >&2; die "the PostgreSQL server did not start (log above)"; }
	as_db_user postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qAt \
		-c "SELECT 1 FROM pg_database WHERE datname='elasticjob'" | grep -q 1 ||
		as_db_user postgres "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -c "CREATE DATABASE elasticjob" >/dev/null
	echo "jdbc:postgresql://127.0.0.1:$port/elasticjob?user=postgres" >"$dir/url"
}

cmd_stop() {
	local dir=$1 bin
	[[ -f $dir/data/postmaster.pid ]] || return 0
	bin=$(bindir) || return 0
	as_db_user postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null 2>&1 || true
}

case ${1:-} in
install) cmd_install ;;
start) cmd_start "${2:?usage: postgres.sh start DIR}" ;;
restart) cmd_start "${2:?usage: postgres.sh restart DIR}" ;;
stop) cmd_stop "${2:?usage: postgres.sh stop DIR}" ;;
*) die "usage: postgres.sh install | start DIR | stop DIR | restart DIR" ;;
esac
