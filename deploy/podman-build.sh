#!/usr/bin/env bash
# deploy/podman-build.sh: build the Dockerfile with podman and run the image, without Docker Hub or any registry.
#
# Machines here cannot pull images, so the base the Dockerfile builds on (node:20-bookworm-slim) is made locally,
# once, as the official one is made: a minimal Debian bookworm (debootstrap --variant=minbase), this machine's
# Node 20 with its headers and npm in /usr/local, and a `node` user (uid 1000). `podman import` turns it into
# localhost/verdict-base:node20-bookworm-slim, passed to the build as NODE_IMAGE (--pull=never).
#
# Then it checks the image as an operator would use it: runs it with a named volume on /data; the HEALTHCHECK
# command says healthy; /healthz, /readyz, pages and a vote answer; /metrics counts the vote; the process runs as
# a non-root user; `verdict db backup` works inside; `podman stop` (SIGTERM) exits 0 after a clean stop; a new
# container on the same volume still has the vote.
#
# Needs: root (rootful podman), podman, runc and debootstrap (Debian packages), curl, network access to a Debian
# mirror and the npm registry. Env: PORT (host port, default 38300), MIRROR, NPM_CA (CA bundle for npm in the build,
# default this machine's), REBUILD_BASE=1, KEEP=1 (leave the container).
#
# Containers run with runc and with resource limits inside this shell's own: on these machines (cgroup v1 with a
# cgroup2 "hybrid" mount, no CAP_SYS_RESOURCE) crun refuses hybrid cgroups ("cgroups in hybrid mode not supported")
# and podman's default limits (nofile and nproc 1048576) cannot be set ("setrlimit: Operation not permitted").
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=localhost/verdict-base:node20-bookworm-slim
IMAGE=localhost/verdict:check
NAME=verdict-podman-check
VOLUME=verdict-podman-check-data
PORT="${PORT:-38300}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
METRICS_TOKEN=podman-check-metrics-token-0123456789
t0=$(date +%s)
step() { printf '==> [%4ss] %s\n' "$(( $(date +%s) - t0 ))" "$*"; }
fail() { echo "FAILED: $*" >&2; podman logs --tail 40 "$NAME" >&2 2>/dev/null || true; exit 1; }

[ "$(id -u)" = 0 ] || { echo "run as root (rootful podman; debootstrap needs root)" >&2; exit 2; }
for c in podman runc debootstrap curl node; do command -v "$c" >/dev/null || { echo "missing: $c (apt-get install podman runc debootstrap curl)" >&2; exit 2; }; done
nofile=$(ulimit -Hn); [ "$nofile" = unlimited ] && nofile=65536
# Without systemd, podman cannot schedule health checks and says so on every run, stop and rm: healthy() runs them.
podman() { command podman --runtime runc "$@" 2> >(grep -v 'unable to get systemd connection' >&2); }
LIMITS=(--ulimit "nofile=$nofile:$nofile" --ulimit nproc=4096:4096)
[ "$(node -p 'process.versions.node.split(".")[0]')" = 20 ] || { echo "this machine's node is not Node 20" >&2; exit 2; }

work=$(mktemp -d)
cleanup() {
  if [ -z "${KEEP:-}" ]; then
    podman rm -f "$NAME" >/dev/null 2>&1 || true
    podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# --- 1. the base image, made here ----------------------------------------------------------------------------------
if [ -n "${REBUILD_BASE:-}" ] || ! podman image exists "$BASE"; then
  step "debootstrap --variant=minbase bookworm ($MIRROR)"
  rootfs="$work/rootfs"
  debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; fail debootstrap; }
  step "Node $(node -v) from this machine into /usr/local, user node (1000)"
  node_bin=$(readlink -f "$(command -v node)")
  node_root=$(dirname "$(dirname "$node_bin")")        # /usr for Debian's or NodeSource's package, /usr/local for a tarball
  install -D -m 0755 "$node_bin" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/include" "$rootfs/usr/local/lib/node_modules"
  cp -a "$node_root/include/node" "$rootfs/usr/local/include/node"     # headers: native modules build offline
  cp -a "$node_root/lib/node_modules/npm" "$rootfs/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  chroot "$rootfs" sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
  chroot "$rootfs" /usr/local/bin/node -e 'process.exit(0)' || fail "node does not run in the new root (missing libraries?)"
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/log/*.log
  step "podman import -> $BASE"
  tar -C "$rootfs" --numeric-owner -cf - . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV NODE_VERSION='"$(node -p process.versions.node)" \
    --change 'CMD ["node"]' - "$BASE" >/dev/null
  rm -rf "$rootfs"
else
  step "base image $BASE already made (REBUILD_BASE=1 to make it again)"
fi

# --- 2. the image --------------------------------------------------------------------------------------------------
step "podman build (Dockerfile, NODE_IMAGE=$BASE, --pull=never)"
# This machine reaches the npm registry through a TLS-inspecting proxy whose CA is in its system bundle: npm in the
# build gets that bundle as a build secret (not kept in any layer).
ca="${NPM_CA:-/etc/ssl/certs/ca-certificates.crt}"
secret=(); [ -s "$ca" ] && secret=(--secret "id=npm_ca,src=$ca")
# --format docker: the OCI image format has no HEALTHCHECK (podman drops it with a warning).
podman build --format docker "${LIMITS[@]}" "${secret[@]}" --pull=never --build-arg NODE_IMAGE="$BASE" -t "$IMAGE" -f Dockerfile . >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; fail "podman build"; }
step "image: $(podman image inspect "$IMAGE" --format '{{.Size}}' | awk '{printf "%.0f MB", $1/1e6}'), user $(podman image inspect "$IMAGE" --format '{{.Config.User}}'), volumes $(podman image inspect "$IMAGE" --format '{{range $k, $v := .Config.Volumes}}{{$k}} {{end}}')"

# --- 3. run it -----------------------------------------------------------------------------------------------------
podman rm -f "$NAME" >/dev/null 2>&1 || true
podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
run() {
  podman run -d "${LIMITS[@]}" --name "$NAME" -p "127.0.0.1:$PORT:3000" -v "$VOLUME:/data" \
    -e PUBLIC_URL="http://127.0.0.1:$PORT" -e METRICS_TOKEN="$METRICS_TOKEN" -e WORKER=false "$IMAGE" >/dev/null
}
healthy() { # the image's own HEALTHCHECK command, run by podman (without systemd, no timer runs it on schedule)
  for _ in $(seq 120); do
    if podman healthcheck run "$NAME" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  fail "the HEALTHCHECK never passed"
}
step "podman run -v $VOLUME:/data -p 127.0.0.1:$PORT:3000"
run
healthy
step "healthy: $(podman inspect "$NAME" --format '{{.State.Health.Status}}')"
base="http://127.0.0.1:$PORT"
[ "$(podman exec "$NAME" id -u)" != 0 ] || fail "runs as root"
step "runs as $(podman exec "$NAME" id -un) (uid $(podman exec "$NAME" id -u)); the app files are not writable by it: $(podman exec "$NAME" sh -c 'touch /app/x 2>/dev/null && echo NO || echo yes')"
[ "$(curl -fsS "$base/healthz")" = '{"status":"ok"}' ] || fail /healthz
[[ "$(curl -fsS "$base/readyz")" == '{"status":"ready"'* ]] || fail /readyz
curl -fsS -o /dev/null "$base/" || fail "/"
page=$(curl -fsS -c "$work/jar" "$base/tools/smolvlm2") || fail /tools/smolvlm2
csrf=$(printf '%s' "$page" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -1)
[ -n "$csrf" ] || fail "no CSRF token on /tools/smolvlm2"
code=$(curl -sS -o /dev/null -w '%{http_code}' -b "$work/jar" -c "$work/jar" -H "Origin: $base" -H 'Sec-Fetch-Site: same-origin' \
  --data-urlencode vote=ship --data-urlencode "_csrf=$csrf" "$base/tools/smolvlm2/vote")
[ "$code" = 303 ] || fail "vote answered $code"
ships() { curl -fsS "$base/api/v1/tools/smolvlm2" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).community.ships))'; }
[ "$(ships)" = 1 ] || fail "the vote is not counted"
metrics=$(curl -fsS -H "Authorization: Bearer $METRICS_TOKEN" "$base/metrics") || fail /metrics
grep -q '^verdict_votes_total{vote="ship"} 1$' <<<"$metrics" || fail "/metrics does not count the vote"
step "pages, a vote (303, counted by the API and /metrics), /healthz, /readyz: ok"
podman exec "$NAME" node bin/verdict.js db backup /data/backup.db >"$work/backup.out" 2>&1 || { cat "$work/backup.out"; fail "verdict db backup"; }
step "verdict db backup inside: $(tail -1 "$work/backup.out")"

# --- 4. stop (SIGTERM) and start again on the same volume ---------------------------------------------------------
podman stop -t 30 "$NAME" >/dev/null
exit_code=$(podman inspect "$NAME" --format '{{.State.ExitCode}}')
[ "$exit_code" = 0 ] || fail "exit code $exit_code after SIGTERM"
logs=$(podman logs "$NAME" 2>&1)
grep -q '"msg":"stopped"' <<<"$logs" || fail "no 'stopped' line in the log"
step "podman stop: exit 0, the log says: $(grep -o '"msg":"SIGTERM[^"]*"' <<<"$logs" | head -1)"
podman rm "$NAME" >/dev/null
run
healthy
[ "$(ships)" = 1 ] || fail "the vote did not survive a new container on the same volume"
step "a new container on $VOLUME still has the vote"
echo "podman-build: all checks passed in $(( $(date +%s) - t0 )) s"
