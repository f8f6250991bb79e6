#!/usr/bin/env bash
# Smoke test of the compose stack (docker-compose.yml) on a machine with a Docker engine: builds and
# starts it under its own project name with throw-away secrets and its own host ports, waits until
#   1. kuzet answers /readyz,
#   2. every Prometheus target is up (kuzet's /metrics among them),
#   3. Grafana has provisioned every generated dashboard (uids from dashboards/boards/*.ts),
# and tears it all down again (volumes too), whatever happened. Exit 0 when all three hold, 1 when
# one does not (with `compose ps` and the last log lines), 0 with "skipped: no Docker engine" on a
# machine without an engine (the Docker client alone is not enough).
#
#   deploy/smoke.sh                 # from anywhere; SMOKE_TIMEOUT=300 (seconds per wait)
#   SMOKE_KEEP=1 deploy/smoke.sh    # leave the stack running for a look (then: docker compose -p <project> down -v)
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v docker >/dev/null 2>&1; then
  echo "skipped: no Docker engine (no docker command)"
  exit 0
fi
if ! engine_error=$(docker info 2>&1 >/dev/null); then
  echo "skipped: no Docker engine (docker info: ${engine_error%%$'\n'*})"
  exit 0
fi
if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose=(docker-compose)
else
  echo "deploy/smoke.sh: a Docker engine runs but there is no compose client: install the docker compose plugin" >&2
  exit 1
fi

timeout_s=${SMOKE_TIMEOUT:-300}
project="kuzet-smoke-$$"
export KUZET_PORT=${SMOKE_KUZET_PORT:-18080}
export PROMETHEUS_PORT=${SMOKE_PROMETHEUS_PORT:-19090}
export GRAFANA_PORT=${SMOKE_GRAFANA_PORT:-13000}
export INFLUXDB_PORT=${SMOKE_INFLUXDB_PORT:-18086}
export ALERTMANAGER_PORT=${SMOKE_ALERTMANAGER_PORT:-19093}
export GRAFANA_URL="http://localhost:${GRAFANA_PORT}"
secret() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
POSTGRES_PASSWORD=$(secret)
INFLUX_TOKEN=$(secret)
INFLUXDB_ADMIN_PASSWORD=$(secret)
GRAFANA_ADMIN_PASSWORD=$(secret)
export POSTGRES_PASSWORD INFLUX_TOKEN INFLUXDB_ADMIN_PASSWORD GRAFANA_ADMIN_PASSWORD

dc() { "${compose[@]}" -p "$project" -f docker-compose.yml "$@"; }

teardown() {
  if [ "${SMOKE_KEEP:-}" = 1 ]; then
    echo "kept running: ${compose[*]} -p $project down -v"
    return
  fi
  echo "tearing down $project"
  dc down -v --remove-orphans >/dev/null 2>&1 || true
}
trap teardown EXIT

fail() {
  echo "FAILED: $*" >&2
  dc ps >&2 || true
  dc logs --tail 40 >&2 || true
  exit 1
}

# Polls `check` (a function name) every 3 s until it succeeds or the timeout passes.
wait_for() {
  local what=$1 check=$2 start=$SECONDS
  until "$check"; do
    if [ $((SECONDS - start)) -ge "$timeout_s" ]; then fail "$what (waited ${timeout_s} s)"; fi
    sleep 3
  done
  echo "ok: $what ($((SECONDS - start)) s)"
}

kuzet_ready() { curl -fsS "http://127.0.0.1:${KUZET_PORT}/readyz" >/dev/null 2>&1; }

prometheus_targets_up() {
  local json
  json=$(curl -fsS "http://127.0.0.1:${PROMETHEUS_PORT}/api/v1/targets?state=active" 2>/dev/null) || return 1
  # Every active target up, and kuzet's among them.
  node -e '
    const t = JSON.parse(process.argv[1]).data.activeTargets;
    const ok = t.length > 0 && t.every((x) => x.health === "up") && t.some((x) => x.labels.job === "kuzet");
    process.exit(ok ? 0 : 1);' "$json"
}

mapfile -t dashboards < <(sed -n "s/^ *uid: '\(kuzet-[a-z0-9-]*\)'.*/\1/p" dashboards/boards/*.ts | sort -u)
grafana_dashboards_provisioned() {
  local json
  json=$(curl -fsS -u "admin:${GRAFANA_ADMIN_PASSWORD}" "http://127.0.0.1:${GRAFANA_PORT}/api/search?type=dash-db" 2>/dev/null) || return 1
  node -e '
    const have = new Set(JSON.parse(process.argv[1]).map((d) => d.uid));
    process.exit(process.argv.slice(2).every((uid) => have.has(uid)) ? 0 : 1);' "$json" "${dashboards[@]}"
}

echo "building and starting the compose stack as project $project (kuzet :$KUZET_PORT, Prometheus :$PROMETHEUS_PORT, Grafana :$GRAFANA_PORT)"
dc up -d --build || fail "docker compose up"
wait_for "kuzet answers /readyz on :$KUZET_PORT" kuzet_ready
wait_for "Prometheus targets up (kuzet scraped)" prometheus_targets_up
wait_for "Grafana provisioned ${#dashboards[@]} dashboards (${dashboards[*]})" grafana_dashboards_provisioned
echo "smoke test passed"
