#!/usr/bin/env bash
# Makes sure what the test suite talks to is there: Redis, PostgreSQL and Debian's Chromium.
# Starts a service that is installed but stopped; installs a missing one with apt when root;
# otherwise says exactly what to install and stops.
set -euo pipefail

REDIS_PORT=6379
PG_PORT=5432
APT_UPDATED=0

say() { printf 'services: %s\n' "$*"; }

apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    say "missing $*; install it (Debian: sudo apt-get install -y $*) and run make test again."
    exit 1
  fi
  if [ "$APT_UPDATED" = 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  say "installing $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

port_open() {
  python3 - "$1" <<'PY'
import socket, sys
s = socket.socket()
s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)
PY
}

wait_port() {
  for _ in $(seq 1 60); do port_open "$1" && return 0; sleep 0.5; done
  say "$2 did not come up on port $1"; exit 1
}

# Redis
command -v redis-server >/dev/null || apt_install redis-server
if ! port_open "$REDIS_PORT"; then
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_port "$REDIS_PORT" Redis
fi

# PostgreSQL
if ! command -v pg_ctlcluster >/dev/null; then
  apt_install postgresql
  FRESH_PG=1
fi
if ! port_open "$PG_PORT"; then
  say "starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ "${FRESH_PG:-0}" = 1 ]; then
    # A new server: let local test connections in without a password, as on the dev machines.
    hba="/etc/postgresql/$version/main/pg_hba.conf"
    sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$hba"
    sed -i -E 's/^(local\s+all\s+(postgres|all)\s+)peer/\1trust/' "$hba"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_port "$PG_PORT" PostgreSQL
fi
if ! psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d test -c 'select 1' >/dev/null 2>&1; then
  say "creating the test database"
  psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c 'CREATE DATABASE test' >/dev/null
fi

# Chromium for the browser tests
[ -x /usr/bin/chromium ] || apt_install chromium

say "Redis, PostgreSQL and Chromium are ready"
