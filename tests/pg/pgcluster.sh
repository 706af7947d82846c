#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (ctest fixture `mistudio_pg`, see README.md).
#   pgcluster.sh start STATE_DIR   initdb in a fresh /tmp directory, start it on a private Unix
#                                  socket (no TCP), write the URL to STATE_DIR/url
#   pgcluster.sh stop STATE_DIR    stop it and delete it
# initdb and postgres refuse to run as root: as root they run as the `postgres` user.
# A cluster left behind by a killed run (same STATE_DIR, or any /tmp/mistudio-pg.* whose
# server is gone) is cleaned up by the next start.
set -euo pipefail

cmd=${1:-}
state=${2:-}
if [[ -z "$cmd" || -z "$state" ]]; then
  echo "usage: $0 start|stop STATE_DIR" >&2
  exit 2
fi

bindir=""
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  if [[ -x "$d/initdb" ]]; then bindir=$d; break; fi
done
if [[ -z "$bindir" ]]; then
  command -v initdb >/dev/null && bindir=$(dirname "$(command -v initdb)")
fi
if [[ -z "$bindir" ]]; then
  echo "pgcluster: PostgreSQL server binaries not found (Debian: apt-get install postgresql)" >&2
  exit 1
fi

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Stops the cluster in $1 (if its server still runs) and removes the directory.
destroy() {
  local dir=$1
  [[ -d "$dir" ]] || return 0
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

# True when $1 is a live (not zombie) postgres process: a pid may be reused, and a killed
# server can stay a zombie for a while.
server_alive() {
  local pid=$1
  [[ -n "$pid" && -r "/proc/$pid/stat" ]] || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == postgres ]] || return 1
  [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" != Z ]]
}

# Clusters of killed runs, older than a few minutes: their server is gone, or it still runs but
# the state dir that started it no longer points to it. Clusters of other live runs (whose state
# dir names them), and ones another run is creating right now, are left alone.
clean_stale() {
  local dir pid owner
  for dir in /tmp/mistudio-pg.*; do
    [[ -d "$dir" ]] || continue
    [[ -n "$(find "$dir" -maxdepth 0 -mmin +5 2>/dev/null)" ]] || continue
    pid=$(head -n1 "$dir/data/postmaster.pid" 2>/dev/null || true)
    owner=$(cat "$dir/owner" 2>/dev/null || true)
    if ! server_alive "$pid"; then
      rm -rf "$dir"
    elif [[ -n "$owner" && "$(cat "$owner/cluster" 2>/dev/null || true)" != "$dir" ]]; then
      destroy "$dir" # still running, but the run that started it is gone (build dir deleted)
    fi
  done
}

case "$cmd" in
start)
  mkdir -p "$state"
  if [[ -f "$state/cluster" ]]; then
    destroy "$(cat "$state/cluster")"
  fi
  rm -f "$state/url" "$state/cluster"
  clean_stale
  dir=$(mktemp -d /tmp/mistudio-pg.XXXXXX)
  echo "$dir" >"$state/cluster"
  (cd "$state" && pwd) >"$dir/owner"
  mkdir -p "$dir/data" "$dir/sock"
  if [[ $(id -u) -eq 0 ]]; then
    chown -R postgres:postgres "$dir"
  fi
  chmod 700 "$dir/data"
  as_pg "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync --no-locale -E UTF8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; destroy "$dir"; exit 1; }
  # No TCP listener: a private socket directory cannot clash with other clusters on the host.
  opts="-c listen_addresses='' -c unix_socket_directories='$dir/sock' -c fsync=off"
  opts+=" -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
  as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "$opts" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log" >&2; destroy "$dir"; exit 1; }
  echo "postgresql://postgres@/postgres?host=$dir/sock" >"$state/url"
  echo "pgcluster: started $(cat "$state/url")"
  ;;
stop)
  if [[ -f "$state/cluster" ]]; then
    dir=$(cat "$state/cluster")
    destroy "$dir"
    echo "pgcluster: stopped and removed $dir"
  fi
  rm -f "$state/url" "$state/cluster"
  ;;
*)
  echo "usage: $0 start|stop STATE_DIR" >&2
  exit 2
  ;;
esac
