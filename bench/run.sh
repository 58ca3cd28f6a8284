#!/usr/bin/env bash
# npm run bench: start Verdict on a fresh seeded SQLite database and measure the home, tool, compare and
# search pages with wrk (64 connections) beside nginx serving the same bytes (../shared/bench/anchor.sh),
# then time an uncached compare-page render in-process.
set -euo pipefail
cd "$(dirname "$0")/.."
ANCHOR="${ANCHOR:-../shared/bench/anchor.sh}"
PORT="${BENCH_PORT:-18181}"
work=$(mktemp -d)
pid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

DATABASE_URL="$work/bench.db" PORT="$PORT" WORKER=false NODE_ENV=production PUBLIC_URL="http://127.0.0.1:$PORT" \
  node --import tsx src/server.ts >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break; sleep 0.2; done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/" || { cat "$work/server.log"; exit 1; }

base="http://127.0.0.1:$PORT"
urls=("$base/" "$base/tools/smolvlm2" "$base/compare/karpathy-coding-skills-vs-smolvlm2" "$base/search?q=vision")
for u in "${urls[@]}"; do curl -fs -o /dev/null "$u"; done # warm the page cache
echo "== warm pages vs nginx serving the same bytes (wrk, ${BENCH_CONNS:-64} connections)"
bash "$ANCHOR" "${urls[@]}"
echo
echo "== uncached render"
node --import tsx bench/render.ts
