#!/usr/bin/env bash
# A throw-away MariaDB for the WHMCS stand-in (tests/whmcs/README.md).
#
#   tests/whmcs/mariadb.sh start   start it (no-op when already running), ~2 s
#   tests/whmcs/mariadb.sh env     print the connection settings as shell exports:
#                                  eval "$(tests/whmcs/mariadb.sh env)"
#   tests/whmcs/mariadb.sh status  exit 0 when it is running and answers
#   tests/whmcs/mariadb.sh stop    kill it and remove its data (no-op when not running)
#
# It runs as the current user (with --user=root when that is root, as in CI), keeps everything
# in one state directory - $AFLEXI_MARIADB_DIR, default ${TMPDIR:-/tmp}/aflexi-mariadb-<uid> -
# listens on a unix socket there and on 127.0.0.1 at a free port ($AFLEXI_MARIADB_PORT to
# choose one), and has a database whmcs_test with a user whmcs (random password) allowed
# everything on it, from the socket and from 127.0.0.1. Durability is traded for speed
# (no doublewrite, no binlog, lazy log flush): never use it for anything but tests.
#
# Needs mariadbd and mariadb-install-db (Debian: mariadb-server-core) and the mariadb client
# (mariadb-client-core).
set -euo pipefail

state_dir=${AFLEXI_MARIADB_DIR:-${TMPDIR:-/tmp}/aflexi-mariadb-$(id -u)}
data_dir=$state_dir/data
pid_file=$state_dir/mariadbd.pid
log_file=$state_dir/mariadbd.log
env_file=$state_dir/env
socket=$state_dir/mariadbd.sock
db_name=whmcs_test
db_user=whmcs
wait_seconds=${AFLEXI_MARIADB_WAIT:-30}

die() { echo "mariadb.sh: $*" >&2; exit 1; }

find_tool() {
  local name
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    if [ -x "/usr/sbin/$name" ]; then echo "/usr/sbin/$name"; return 0; fi
  done
  return 1
}

# Root over the socket (the install creates root@localhost without a password).
as_root() { "$client" --no-defaults --socket="$socket" --user=root --batch --skip-column-names "$@"; }

# A killed server may linger as a zombie until its new parent reaps it: that is not running.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  [ ! -r "/proc/$1/stat" ] || [ "$(sed 's/^.*) //' "/proc/$1/stat" | cut -c1)" != Z ]
}

running_pid() {
  [ -f "$pid_file" ] || return 1
  local pid
  pid=$(cat "$pid_file" 2>/dev/null) || return 1
  [ -n "$pid" ] && alive "$pid" && echo "$pid"
}

answers() { as_root -e 'select 1' >/dev/null 2>&1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local port tries=0
  while [ $tries -lt 50 ]; do
    port=$(( 20000 + RANDOM % 40000 ))
    port_in_use "$port" || { echo "$port"; return 0; }
    tries=$((tries + 1))
  done
  die "no free port found on 127.0.0.1"
}

log_tail() {
  # The errors first: mariadb-install-db ends its log with a long help text that hides them.
  echo "---- errors in $log_file ----" >&2
  grep -E '\[ERROR\]|ERROR [0-9]+|rror:' "$log_file" 2>/dev/null | head -n 15 >&2 || true
  echo "---- last lines of $log_file ----" >&2
  tail -n 25 "$log_file" >&2 2>/dev/null || echo "(no log)" >&2
}

launch() {
  local port=$1 user_opt=()
  [ "$(id -u)" = 0 ] && user_opt=(--user=root)
  : > "$log_file"
  # setsid + nohup: the server outlives this script and the caller's terminal.
  setsid nohup "$server" --no-defaults "${user_opt[@]}" \
    --datadir="$data_dir" --socket="$socket" --pid-file="$pid_file" --log-error="$log_file" \
    --port="$port" --bind-address=127.0.0.1 --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --default-storage-engine=InnoDB --innodb-buffer-pool-size=64M --innodb-log-file-size=16M \
    --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --skip-log-bin --performance-schema=0 \
    --max-connections=100 </dev/null >/dev/null 2>&1 &
  local launcher=$! waited=0
  while [ $waited -lt $((wait_seconds * 10)) ]; do
    if answers; then return 0; fi
    if ! alive "$launcher" && ! running_pid >/dev/null; then
      return 1
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  return 2
}

start() {
  if running_pid >/dev/null && answers && [ -f "$env_file" ]; then
    echo "mariadb.sh: already running ($state_dir)"
    return 0
  fi
  stop >/dev/null 2>&1 || true
  socket=$state_dir/mariadbd.sock
  mkdir -p "$state_dir"
  chmod 700 "$state_dir"
  if [ ${#socket} -gt 100 ]; then
    socket=$(mktemp -u /tmp/aflexi-mariadb-XXXXXX.sock)
    echo "$socket" > "$state_dir/socket-path"
  fi

  local init_sql=$state_dir/init.sql user_opt=()
  [ "$(id -u)" = 0 ] && user_opt=(--user=root)
  echo "CREATE DATABASE $db_name CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;" > "$init_sql"
  if ! "$install_db" --no-defaults "${user_opt[@]}" --datadir="$data_dir" --auth-root-authentication-method=normal \
      --skip-test-db --skip-name-resolve --extra-file="$init_sql" \
      --innodb-log-file-size=16M --innodb-buffer-pool-size=64M >"$log_file" 2>&1; then
    log_tail
    die "mariadb-install-db failed"
  fi

  local port attempt rc=0
  for attempt in 1 2 3; do
    port=${AFLEXI_MARIADB_PORT:-$(free_port)}
    rc=0
    launch "$port" || rc=$?
    [ $rc = 0 ] && break
    # Someone took the port between the probe and the bind: try another one.
    if grep -q "Bind on TCP/IP port" "$log_file" 2>/dev/null && [ -z "${AFLEXI_MARIADB_PORT:-}" ]; then
      continue
    fi
    break
  done
  if [ $rc != 0 ]; then
    log_tail
    stop >/dev/null 2>&1 || true
    [ $rc = 2 ] && die "MariaDB did not answer within ${wait_seconds}s"
    die "MariaDB did not start"
  fi

  local password
  password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  as_root -e "
    CREATE USER '$db_user'@'localhost' IDENTIFIED BY '$password';
    CREATE USER '$db_user'@'127.0.0.1' IDENTIFIED BY '$password';
    GRANT ALL PRIVILEGES ON \`$db_name\`.* TO '$db_user'@'localhost';
    GRANT ALL PRIVILEGES ON \`$db_name\`.* TO '$db_user'@'127.0.0.1';"

  cat > "$env_file" <<EOF
export WHMCS_DB_DRIVER=mysql
export WHMCS_DB_HOST=127.0.0.1
export WHMCS_DB_PORT=$port
export WHMCS_DB_SOCKET=$socket
export WHMCS_DB_NAME=$db_name
export WHMCS_DB_USER=$db_user
export WHMCS_DB_PASS=$password
EOF
  echo "mariadb.sh: MariaDB $(as_root -e 'select version()') on $socket and 127.0.0.1:$port ($state_dir)"
}

stop() {
  local pid waited=0
  if pid=$(running_pid); then
    # The data is about to be deleted, so there is nothing to shut down cleanly: a clean
    # shutdown would only add ~2 s.
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid" && [ $waited -lt 50 ]; do sleep 0.1; waited=$((waited + 1)); done
    echo "mariadb.sh: stopped ($state_dir)"
  fi
  [ "$socket" != "$state_dir/mariadbd.sock" ] && rm -f "$socket"
  rm -rf "$state_dir"
}

[ $# = 1 ] || die "usage: $0 start|stop|env|status"

server=$(find_tool mariadbd mysqld) || die "mariadbd not found (Debian package mariadb-server-core)"
install_db=$(find_tool mariadb-install-db mysql_install_db) || die "mariadb-install-db not found (Debian package mariadb-server-core)"
client=$(find_tool mariadb mysql) || die "the mariadb client is not found (Debian package mariadb-client-core)"
[ -f "$state_dir/socket-path" ] && socket=$(cat "$state_dir/socket-path")

case "$1" in
  start) start ;;
  stop) stop ;;
  env)
    running_pid >/dev/null && [ -f "$env_file" ] || die "not running: run '$0 start' first"
    cat "$env_file"
    ;;
  status) running_pid >/dev/null && answers ;;
  *) die "usage: $0 start|stop|env|status" ;;
esac
