#!/usr/bin/env bash
# bench/ab.sh OTHER_CHECKOUT [PATH...]: the warm-page fast path of this checkout against another one (e.g. main,
# made with `git worktree add --detach /tmp/base main`), on fresh seeded SQLite databases, measured in the same run
# by ../shared/bench/anchor.sh (each page against its own nginx and bare-node ceilings). Rounds alternate which
# server goes first (AB_ROUNDS, default 2 pairs), so a busy machine weighs on both alike; the medians of each
# server's req/s and ratios to bare node and to nginx are printed at the end. Logs go to files, as under journald or docker.
# Default path: /tools/smolvlm2.
set -euo pipefail
cd "$(dirname "$0")/.."
other="$(cd "${1:?usage: bench/ab.sh OTHER_CHECKOUT [PATH...]}" && pwd)"; shift
paths=("${@:-/tools/smolvlm2}")
ANCHOR="${ANCHOR:-../shared/bench/anchor.sh}"
PORT_NEW="${AB_PORT:-38181}" PORT_OLD=$(( ${AB_PORT:-38181} + 1 ))
export ANCHOR_PORT="${ANCHOR_PORT:-38190}" BENCH_ROUNDS="${BENCH_ROUNDS:-1}"
work=$(mktemp -d); pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
start() { # dir port name
  (cd "$1" && DATABASE_URL="$work/$3.db" PORT="$2" HOST=127.0.0.1 WORKER=false NODE_ENV=production PUBLIC_URL="http://127.0.0.1:$2" \
    exec node --import tsx src/server.ts >"$work/$3.log" 2>&1) & pids+=($!)
}
start "$PWD" "$PORT_NEW" new
start "$other" "$PORT_OLD" old
for port in "$PORT_NEW" "$PORT_OLD"; do
  for _ in $(seq 150); do curl -fs -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null && break; sleep 0.2; done
done
echo "old: $other on :$PORT_OLD   new: $PWD on :$PORT_NEW   load: $(cut -d' ' -f1-3 /proc/loadavg)"
for p in "${paths[@]}"; do
  old="http://127.0.0.1:$PORT_OLD$p" new="http://127.0.0.1:$PORT_NEW$p"
  curl -fs -o /dev/null "$old"; curl -fs -o /dev/null "$new"
  for r in $(seq "${AB_ROUNDS:-2}"); do
    bash "$ANCHOR" "$old" "$new" | tee -a "$work/out"
    bash "$ANCHOR" "$new" "$old" | tee -a "$work/out"
  done
  for u in "$old" "$new"; do
    [[ "$u" == "$old" ]] && tag=old || tag=new
    # anchor.sh's columns: page, req/s, p50, p99, bytes, vs node, vs nginx.
    awk -v u="${u:0:48}" '$1==u {print $2, $6, $7}' "$work/out" | awk -v u="$u" -v tag="$tag" '
      function med(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
        return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2 }
      { r[NR] = $1; vn[NR] = $2; vx[NR] = $3 }
      END { printf "%s %s: median over %d runs: %.0f req/s, %.3f of bare node, %.3f of nginx\n", tag, u, NR, med(r, NR), med(vn, NR), med(vx, NR) }'
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); new server's log: $(wc -l <"$work/new.log") lines"
