#!/usr/bin/env bash
# anchor.sh URL...  Measure pages of a running server beside two ceilings on this machine:
# the very same bytes served as a static file by nginx (one worker), and by a bare
# node:http server that only writes those bytes, with the page's own response headers, from memory
# (the most one Node process can do for that response).
# For each loopback URL: fetch it once, serve that body with nginx and bare node, then run
# wrk -t1 -cCONNS against each, alternating (nginx, node, page, nginx, node, page...), and print
# req/s (median), p50, p99 and the page's req/s as a ratio of nginx's and of bare node's.
# Env: BENCH_DURATION (10s), BENCH_CONNS (64), BENCH_ROUNDS (2), ANCHOR_PORT (18090), BENCH_HEADER (one request
# header for the page, its copies and wrk alike, e.g. 'Accept-Encoding: br': the page is fetched and served in that encoding).
# (A copy of ../shared/bench/anchor.sh with BENCH_HEADER added.)
# Installs nginx and wrk from Debian if missing. Stops only the nginx it started.
set -euo pipefail
[[ $# -ge 1 ]] || { sed -n '2,8p' "$0"; exit 2; }
HEADER="${BENCH_HEADER:-}" DURATION="${BENCH_DURATION:-10s}" CONNS="${BENCH_CONNS:-64}" ROUNDS="${BENCH_ROUNDS:-2}" PORT="${ANCHOR_PORT:-18090}"
for u in "$@"; do
  [[ "$u" =~ ^http://(127\.[0-9.]+|localhost|\[::1\])(:[0-9]+)?(/.*)?$ ]] || { echo "loopback http URLs only: $u" >&2; exit 2; }
done
if ! command -v nginx >/dev/null || ! command -v wrk >/dev/null; then
  (apt-get update -qq && apt-get install -y -qq nginx-light wrk curl >/dev/null) || apt-get install -y -qq nginx wrk curl >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
work=$(mktemp -d); pid=""
npid=""
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null; [[ -n "$npid" ]] && kill "$npid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/html" "$work/logs"
cat > "$work/nginx.conf" <<CONF
worker_processes 1; daemon off; pid $work/nginx.pid; error_log $work/logs/error.log;
events { worker_connections 1024; }
http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  types { text/html html; } default_type text/html;
  server { listen 127.0.0.1:$PORT; root $work/html; location / { try_files /page.html =404; } } }
CONF
"$NGINX" -c "$work/nginx.conf" -p "$work" & pid=$!
NODE_PORT=$((PORT + 1))
cat > "$work/bare.mjs" <<'JS'
import { createServer } from 'node:http';
import { readFileSync, watchFile } from 'node:fs';
const file = process.argv[2];
const skip = new Set(['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);
let body, headers;
const load = () => {
  body = readFileSync(file);
  headers = [];
  try {
    for (const line of readFileSync(file + '.headers', 'utf8').split(/\r?\n/).slice(1)) {
      const i = line.indexOf(':');
      if (i > 0 && !skip.has(line.slice(0, i).trim().toLowerCase())) headers.push(line.slice(0, i).trim(), line.slice(i + 1).trim());
    }
  } catch {}
  headers.push('content-length', String(body.length));
};
load();
watchFile(file, { interval: 100 }, load);
createServer((req, res) => { res.writeHead(200, headers); res.end(body); }).listen(+process.argv[3], '127.0.0.1');
JS
: > "$work/html/page.html"
node "$work/bare.mjs" "$work/html/page.html" "$NODE_PORT" & npid=$!
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/" 2>/dev/null && break; sleep 0.1; done

measure() { # url -> "reqs p50ms p99ms"
  wrk -t1 -c"$CONNS" -d"$DURATION" --latency ${HEADER:+-H "$HEADER"} "$1" 2>/dev/null | awk '
    function ms(v){ if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ {r=$2} $1=="50%" {p50=ms($2)} $1=="99%" {p99=ms($2)} /Non-2xx/ {bad=$NF}
    END {printf "%.0f %.2f %.2f %s\n", r, p50, p99, (bad==""?0:bad)}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf '%-48s %10s %8s %8s %9s %8s %8s\n' "page" "req/s" "p50 ms" "p99 ms" "bytes" "vs node" "vs nginx"
for url in "$@"; do
  code=$(curl -s ${HEADER:+-H "$HEADER"} -D "$work/html/page.html.headers" -o "$work/html/page.html" -w '%{http_code}' "$url")
  [[ "$code" == 200 ]] || { echo "$url answered HTTP $code" >&2; exit 1; }
  bytes=$(wc -c < "$work/html/page.html")
  sleep 0.3 # bare node reloads the body
  : > "$work/n"; : > "$work/b"; : > "$work/p"
  for _ in $(seq "$ROUNDS"); do
    measure "http://127.0.0.1:$PORT/" >> "$work/n"
    measure "http://127.0.0.1:$NODE_PORT/" >> "$work/b"
    measure "$url" >> "$work/p"
  done
  n=$(cut -d' ' -f1 "$work/n" | median); b=$(cut -d' ' -f1 "$work/b" | median); p=$(cut -d' ' -f1 "$work/p" | median)
  p50=$(cut -d' ' -f2 "$work/p" | median); p99=$(cut -d' ' -f3 "$work/p" | median)
  bad=$(awk '{s+=$4} END {print s+0}' "$work/p")
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a/b}'; }
  printf '%-48s %10s %8s %8s %9s %8s %8s\n' "nginx static copy" "$n" "$(cut -d' ' -f2 "$work/n" | median)" "$(cut -d' ' -f3 "$work/n" | median)" "$bytes" "$(ratio "$n" "$b")" "1.000"
  printf '%-48s %10s %8s %8s %9s %8s %8s\n' "bare node:http, same bytes+headers" "$b" "$(cut -d' ' -f2 "$work/b" | median)" "$(cut -d' ' -f3 "$work/b" | median)" "$bytes" "1.000" "$(ratio "$b" "$n")"
  printf '%-48s %10s %8s %8s %9s %8s %8s\n' "${url:0:48}" "$p" "$p50" "$p99" "$bytes" "$(ratio "$p" "$b")" "$(ratio "$p" "$n")"
  [[ "$bad" == 0 ]] || echo "note: $bad non-2xx answers from $url" >&2
done
