#!/usr/bin/env bash
# Make a throwaway PostgreSQL server available for tests, idempotently.
#
#   bash test/helpers/postgres.sh          # ensure running; last stdout line is the URL
#   bash test/helpers/postgres.sh stop     # stop it (data dir is kept)
#
# - Installs the Debian `postgresql` package only if no server binaries are found.
# - Cluster lives in $VERDICT_PG_DIR (default /tmp/verdict-pg), owned by `postgres`
#   when run as root (PostgreSQL refuses to run as root).
# - Listens on 127.0.0.1:$VERDICT_PG_PORT (default 54329), trust auth, superuser `postgres`.
# - Durability is switched off (fsync etc.): this is for tests only.
# All diagnostics go to stderr; stdout is only the URL.
set -euo pipefail

PG_DIR="${VERDICT_PG_DIR:-/tmp/verdict-pg}"
PG_PORT="${VERDICT_PG_PORT:-54329}"
PG_DB="${VERDICT_PG_DB:-verdict_test}"
DATA="$PG_DIR/data"
LOG="$PG_DIR/postgres.log"
URL="postgres://postgres@127.0.0.1:${PG_PORT}/${PG_DB}"

log() { echo "postgres.sh: $*" >&2; }

# --- locate (or install) the server binaries --------------------------------
find_bindir() {
  local d best=""
  # Highest installed Debian major version wins.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && best="$d"
  done
  if [ -z "$best" ] && command -v pg_ctl >/dev/null 2>&1; then
    d="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
    [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && best="$d"
  fi
  [ -n "$best" ] && echo "$best"
  return 0
}

BINDIR="$(find_bindir)"
if [ -z "$BINDIR" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    log "no PostgreSQL binaries found and not root; install postgresql first"
    exit 1
  fi
  log "no PostgreSQL binaries found; installing the postgresql package"
  # We run our own cluster; don't let the package create/start 'main' on 5432.
  mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' > /etc/postgresql-common/createcluster.d/verdict-no-main.conf
  export DEBIAN_FRONTEND=noninteractive
  apt-get update >&2
  apt-get install -y --no-install-recommends postgresql >&2
  BINDIR="$(find_bindir)"
  if [ -z "$BINDIR" ]; then
    log "postgresql installed but pg_ctl/initdb/postgres not found"
    exit 1
  fi
fi
log "using binaries in $BINDIR"

# psql: prefer the one next to the server, fall back to PATH.
PSQL="$BINDIR/psql"
[ -x "$PSQL" ] || PSQL="$(command -v psql || true)"
if [ -z "$PSQL" ]; then
  log "psql not found"
  exit 1
fi

# --- run server commands as a non-root user ---------------------------------
if [ "$(id -u)" -eq 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    log "creating system user postgres"
    useradd --system --user-group --home-dir /var/lib/postgresql --create-home --shell /bin/bash postgres
  fi
  as_pg() { (cd / && runuser -u postgres -- "$@"); }
else
  as_pg() { (cd / && "$@"); }
fi

is_ready() {
  "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -XtAqc 'select 1' >/dev/null 2>&1
}

# Serialise concurrent invocations (e.g. parallel test runners).
mkdir -p "$PG_DIR"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$PG_DIR.lock"
  flock -w 120 9 || { log "timed out waiting for $PG_DIR.lock"; exit 1; }
fi

if [ "${1:-}" = "stop" ]; then
  if [ -f "$DATA/PG_VERSION" ]; then
    as_pg "$BINDIR/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true
  fi
  exit 0
fi

# --- already up? ------------------------------------------------------------
if ! is_ready; then
  MAJOR="$("$BINDIR/postgres" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/')"
  if [ -f "$DATA/PG_VERSION" ] && [ "$(cat "$DATA/PG_VERSION")" != "$MAJOR" ]; then
    log "existing cluster is version $(cat "$DATA/PG_VERSION"), binaries are $MAJOR; re-creating"
    rm -rf "$DATA"
  fi

  if [ ! -f "$DATA/PG_VERSION" ]; then
    log "initdb $DATA"
    rm -rf "$DATA"
    mkdir -p "$DATA"
    [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$PG_DIR"
    chmod 700 "$DATA"
    as_pg "$BINDIR/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >&2
    cat >>"$DATA/postgresql.conf" <<EOF

# --- verdict test cluster ---
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  fi
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$PG_DIR"

  # A postmaster.pid left by a killed server whose process is gone blocks startup.
  if [ -f "$DATA/postmaster.pid" ]; then
    pid="$(head -1 "$DATA/postmaster.pid" || true)"
    # Dead, or a zombie nobody reaped (some container inits don't) = stale.
    if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null \
      || [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = "Z" ]; then
      log "removing stale postmaster.pid"
      rm -f "$DATA/postmaster.pid"
    fi
  fi

  log "starting server on 127.0.0.1:$PG_PORT (log: $LOG)"
  # 9>&-: the server must not inherit the lock fd, or it would hold the lock forever.
  if ! as_pg "$BINDIR/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >&2 9>&-; then
    log "server failed to start; last log lines:"
    tail -n 30 "$LOG" >&2 || true
    exit 1
  fi
  for _ in $(seq 1 60); do is_ready && break; sleep 0.5; done
  if ! is_ready; then
    log "server started but does not accept connections on 127.0.0.1:$PG_PORT"
    tail -n 30 "$LOG" >&2 || true
    exit 1
  fi
fi

# --- database ---------------------------------------------------------------
if [ "$("$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -XtAqc \
  "select 1 from pg_database where datname = '$PG_DB'")" != "1" ]; then
  log "creating database $PG_DB"
  "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -XqAc "create database \"$PG_DB\"" >&2
fi

echo "$URL"
