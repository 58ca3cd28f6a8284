#!/usr/bin/env bash
# bench/nginx-cache.sh [PATH...]  Warm pages served from deploy/nginx.conf's shared cache, against the very same
# bytes served by the same nginx as a static file (issue 19.5: target >= 0.9x).
# Starts the app (demo catalog, a fresh SQLite file) and nginx with deploy/nginx.conf as shipped, except the ports,
# a self-signed certificate and the cache directory; the HTTPS listen is made plain HTTP so that wrk measures the
# cache, not TLS, exactly as it measures the static file beside it (one nginx, one worker, sendfile on).
# For each path (default /tools/smolvlm2 and /compare/karpathy-coding-skills-vs-smolvlm2): warm it, save the body
# nginx serves, then run wrk -t1 -cCONNS against the cached page and the static file, alternating, and print req/s
# (median of ROUNDS), p50, p99 and the ratio. The load average is printed before and after: 2 shared cores, so run
# it when /proc/loadavg is low. Env: BENCH_DURATION (10s), BENCH_CONNS (64), BENCH_ROUNDS (3).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${BENCH_DURATION:-10s}" CONNS="${BENCH_CONNS:-64}" ROUNDS="${BENCH_ROUNDS:-3}"
[[ $# -ge 1 ]] || set -- /tools/smolvlm2 /compare/karpathy-coding-skills-vs-smolvlm2
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
command -v wrk >/dev/null && [[ -x "$NGINX" ]] || { echo "needs nginx and wrk (apt-get install nginx wrk)" >&2; exit 2; }
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
APP=$(free_port) CACHED=$(free_port) STATIC=$(free_port) REDIRECT=$(free_port)
work=$(mktemp -d); chmod 755 "$work"; app=""; ngx=""
cleanup() { [[ -n "$ngx" ]] && kill -QUIT "$ngx" 2>/dev/null; [[ -n "$app" ]] && kill "$app" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/html" "$work/cache"; chmod 777 "$work/cache"

PORT=$APP HOST=127.0.0.1 DATABASE_URL="$work/verdict.db" PUBLIC_URL=https://verdict.example.org TRUST_PROXY=loopback WORKER=false \
  LOG_LEVEL=warn SECRET=bench-secret-0123456789abcdef0123456789 node --import tsx src/server.ts > "$work/app.log" 2>&1 & app=$!

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=verdict.example.org \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
sed -e "s|server 127.0.0.1:3000;|server 127.0.0.1:$APP;|" -e "s|listen 80;|listen 127.0.0.1:$REDIRECT;|" -e "s|listen \[::\]:80;||" \
  -e "s|listen 443 ssl http2;|listen 127.0.0.1:$CACHED;|" -e "s|listen \[::\]:443 ssl http2;||" \
  -e "s|/etc/letsencrypt/live/verdict.example.org/fullchain.pem|$work/cert.pem|" -e "s|/etc/letsencrypt/live/verdict.example.org/privkey.pem|$work/key.pem|" \
  -e "s|/var/cache/nginx/verdict|$work/cache|" deploy/nginx.conf > "$work/verdict.conf"
grep -q "listen 127.0.0.1:$CACHED;" "$work/verdict.conf" && grep -q "$work/cache" "$work/verdict.conf" || { echo "deploy/nginx.conf changed: update this script" >&2; exit 1; }
cat > "$work/nginx.conf" <<CONF
worker_processes 1; pid $work/nginx.pid; error_log $work/error.log warn;
events { worker_connections 1024; }
http {
  access_log off; sendfile on; tcp_nopush on; keepalive_requests 100000;
  types { text/html html; } default_type text/html;
  client_body_temp_path $work/body; proxy_temp_path $work/proxy; fastcgi_temp_path $work/fastcgi; uwsgi_temp_path $work/uwsgi; scgi_temp_path $work/scgi;
  include $work/verdict.conf;
  server { listen 127.0.0.1:$STATIC; root $work/html; location / { try_files /page.html =404; } }
}
CONF
"$NGINX" -p "$work" -c "$work/nginx.conf" -e "$work/error.log" -g 'daemon off;' & ngx=$!
for _ in $(seq 600); do curl -fs -o /dev/null "http://127.0.0.1:$CACHED/healthz" 2>/dev/null && break; sleep 0.1; done
curl -fs -o /dev/null "http://127.0.0.1:$CACHED/healthz" || { echo "app or nginx did not start"; cat "$work/app.log" "$work/error.log"; exit 1; }

measure() { # url -> "reqs p50ms p99ms non2xx"
  wrk -t1 -c"$CONNS" -d"$DURATION" --latency "$1" 2>/dev/null | awk '
    function ms(v){ if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    /Requests\/sec/ {r=$2} $1=="50%" {p50=ms($2)} $1=="99%" {p99=ms($2)} /Non-2xx/ {bad=$NF}
    END {printf "%.0f %.2f %.2f %s\n", r, p50, p99, (bad==""?0:bad)}'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
row() { sort -n -k1 "$1" | awk -v n="$ROUNDS" 'NR==int((n+1)/2) {print $2, $3}'; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)   $(nproc) cores, wrk -t1 -c$CONNS -d$DURATION x$ROUNDS, nginx $("$NGINX" -v 2>&1 | cut -d/ -f2)"
printf '%-46s %9s %7s %7s %9s %7s %7s %7s %6s\n' page "cached/s" p50ms p99ms "static/s" p50ms p99ms bytes ratio
for path in "$@"; do
  url="http://127.0.0.1:$CACHED$path"
  curl -fs -o /dev/null "$url"; curl -fs -o /dev/null "$url"
  status=$(curl -s -D - -o "$work/html/page.html" "$url" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-cache-status" {print $2}')
  [[ "$status" =~ ^(HIT|STALE|UPDATING)$ ]] || { echo "$path: nginx said X-Cache-Status: $status, not from its cache" >&2; exit 1; }
  : > "$work/c"; : > "$work/s"
  for _ in $(seq "$ROUNDS"); do
    measure "$url" >> "$work/c"
    measure "http://127.0.0.1:$STATIC/" >> "$work/s"
  done
  c=$(cut -d' ' -f1 "$work/c" | median); s=$(cut -d' ' -f1 "$work/s" | median)
  bad=$(awk '{b+=$4} END {print b+0}' "$work/c" "$work/s")
  printf '%-46s %9.0f %7s %7s %9.0f %7s %7s %7d %6.2f%s\n' "$path" "$c" $(row "$work/c") "$s" $(row "$work/s") "$(wc -c < "$work/html/page.html")" \
    "$(awk -v a="$c" -v b="$s" 'BEGIN {print a/b}')" "$([[ $bad == 0 ]] || echo "  ($bad non-2xx!)")"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
