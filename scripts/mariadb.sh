#!/usr/bin/env bash
# mariadb.sh: install MariaDB from Debian's packages and run a throwaway server on loopback for
# the tracing tests (see README.md, "Testing").
#
#   mariadb.sh install      install the server once (apt-get, as root or through sudo)
#   mariadb.sh start DIR    a server with its data in DIR on a free port, a database elasticjob
#                           and a user elasticjob (password in DIR/password); its URL
#                           (jdbc:mariadb://…, without the password) goes to DIR/url
#   mariadb.sh stop DIR     stop it (idempotent)
#   mariadb.sh restart DIR  start it again on the same port and data (the fault test's restart)
set -euo pipefail
readonly ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/common.sh"

server() { command -v mariadbd || ls /usr/sbin/mariadbd 2>/dev/null; }

cmd_install() {
	server >/dev/null || apt_install mariadb-server
	server >/dev/null || die "apt-get installed mariadb-server but there is no mariadbd"
}

cmd_start() {
	local dir=$1 bin port pid user=mysql
	bin=$(server) || die "MariaDB is not installed: run scripts/mariadb.sh install"
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	((EUID == 0)) || user=$(id -un)
	as_db_user mysql chown "$dir"
	if [[ ! -d $dir/data/mysql ]]; then
		mariadb-install-db --no-defaults --user="$user" --datadir="$dir/data" --auth-root-authentication-method=socket \
			--skip-test-db >"$dir/install.log" 2>&1 || { tail -n 20 "$dir/install.log" >&2; die "mariadb-install-db failed"; }
	fi
	port=$(cat "$dir/port" 2>/dev/null || free_ports 1)
	echo "$port" >"$dir/port"
	# innodb-flush-log-at-trx-commit=2: each commit is written to the OS (a killed server keeps it),
	# flushed to disk once a second (a test server outlives no machine crash).
	"$bin" --no-defaults --user="$user" --datadir="$dir/data" --socket="$dir/sock" --pid-file="$dir/pid" \
		--port="$port" --bind-address=127.0.0.1 --skip-name-resolve --log-error="$dir/server.log" \
		--innodb-flush-log-at-trx-commit=2 --innodb-buffer-pool-size=64M --skip-log-bin >/dev/null 2>&1 &
	local i
	for ((i = 0; i < 600; i++)); do
		mariadb-admin --no-defaults --socket="$dir/sock" -uroot ping >/dev/null 2>&1 && break
		sleep 0.1
	done
	((i < 600)) || { tail -n 20 "$dir/server.log" >&2; die "the MariaDB server did not start (log above)"; }
	[[ -f $dir/password ]] || head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/password"
	mariadb --no-defaults --socket="$dir/sock" -uroot -e "
		CREATE DATABASE IF NOT EXISTS elasticjob;
		CREATE USER IF NOT EXISTS 'elasticjob'@'%' IDENTIFIED BY '$(<"$dir/password")';
		GRANT ALL ON elasticjob.* TO 'elasticjob'@'%';
		GRANT ALL ON \`elasticjob\\_%\`.* TO 'elasticjob'@'%';
		GRANT CREATE ON *.* TO 'elasticjob'@'%';"
	echo "jdbc:mariadb://127.0.0.1:$port/elasticjob" >"$dir/url"
}

cmd_stop() {
	local dir=$1 pid
	[[ -f $dir/pid ]] || return 0
	pid=$(<"$dir/pid")
	if kill -0 "$pid" 2>/dev/null && grep -q mariadbd "/proc/$pid/cmdline" 2>/dev/null; then
		kill -KILL "$pid"
		while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
	fi
	rm -f "$dir/pid"
}

case ${1:-} in
install) cmd_install ;;
start | restart) cmd_start "${2:?usage: mariadb.sh start DIR}" ;;
stop) cmd_stop "${2:?usage: mariadb.sh stop DIR}" ;;
*) die "usage: mariadb.sh install | start DIR | stop DIR | restart DIR" ;;
esac
