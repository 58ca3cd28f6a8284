#!/usr/bin/env bash
# npm test: the strict typecheck, then every test file, saying plainly what is skipped and why.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc --noEmit -p .
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  [ "${CI:-}" = true ] && { echo "CI must run the PostgreSQL tests: TEST_DATABASE_URL is not set" >&2; exit 1; }
  echo "note: PostgreSQL tests are skipped: TEST_DATABASE_URL is not set (.ci/run starts PostgreSQL and sets it)"
fi
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  [ "${CI:-}" = true ] && { echo "CI must run the browser tests: no Chromium at $chromium" >&2; exit 1; }
  echo "note: browser tests are skipped: no Chromium at $chromium (apt-get install chromium, or set CHROMIUM_PATH)"
fi
if ! command -v java >/dev/null; then
  [ "${CI:-}" = true ] && { echo "CI must run the HTML checker: no java (apt-get install default-jre-headless)" >&2; exit 1; }
  echo "note: the HTML validity test is skipped: no java (apt-get install default-jre-headless)"
fi
# The deployment files' checks (test/deploy-*.test.ts) need the programs that read them.
for tool in nginx:/usr/sbin/nginx openssl systemd-analyze caddy; do
  name="${tool%%:*}"; path="${tool#*:}"
  if ! command -v "$name" >/dev/null && [ ! -x "$path" ]; then
    [ "${CI:-}" = true ] && { echo "CI must check the deployment files: no $name (.ci/run installs nginx, openssl, systemd, caddy)" >&2; exit 1; }
    echo "note: a deployment-file check is skipped: no $name"
  fi
done
mapfile -t files < <(find src test -name '*.test.ts' -o -name '*.test.tsx' | sort)
exec node --import tsx --test --test-concurrency="${TEST_CONCURRENCY:-2}" "${files[@]}"
