# Verdict as a container image: `docker build -t verdict .` (or deploy/podman-build.sh, which needs no registry).
# Two stages on node:20-bookworm-slim: the first installs the production dependencies (better-sqlite3 is native: it
# fetches a prebuilt binary, or builds one with the tools installed there); the second holds only the app, runs as
# the image's unprivileged `node` user, keeps its data in the /data volume and reports health on /healthz.
# The app runs its TypeScript through tsx (a production dependency): there is no build step.
#
#   docker run -d -p 3000:3000 -v verdict-data:/data -e PUBLIC_URL=https://verdict.example.org verdict
#   docker run ... verdict node bin/verdict.js worker      (a separate worker; compose.yaml runs both)
#
# NODE_IMAGE lets a base image made locally stand in for the registry's (deploy/podman-build.sh).
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# better-sqlite3 fetches a prebuilt binary from GitHub, or builds one: against the image's own Node headers
# (/usr/local/include/node), not headers downloaded from nodejs.org.
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
# Behind a TLS-inspecting proxy, give npm its CA: --secret id=npm_ca,src=/etc/ssl/certs/ca-certificates.crt
RUN --mount=type=secret,id=npm_ca,target=/run/secrets/npm_ca \
    if [ -s /run/secrets/npm_ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/npm_ca; fi \
 && npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATABASE_URL=/data/verdict.db \
    OUTBOX_DIR=/data/outbox
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
# Owned by root and not writable by the app: only /data is.
COPY package.json package-lock.json tsconfig.json ./
COPY bin ./bin
COPY src ./src
COPY critics ./critics
COPY data/demo.json ./data/demo.json
RUN mkdir -p /data && chown node:node /data
VOLUME /data
USER node
EXPOSE 3000
# SIGTERM: /readyz turns 503, requests in flight finish (SHUTDOWN_TIMEOUT_MS, 10 s), the database closes. Give
# `docker stop` more than that: docker stop -t 30 (compose.yaml sets stop_grace_period).
STOPSIGNAL SIGTERM
# The process answers (no database: a slow database must not get a healthy process restarted). /readyz is for
# load balancers. A container that serves no web (`verdict worker`) checks its METRICS_PORT instead (compose.yaml).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--import", "tsx", "src/server.ts"]
