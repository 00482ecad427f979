#!/usr/bin/env bash
# Load and cold-start measurements of POST /api/v1/check on loopback (docs/performance.md).
# Starts the local host on 127.0.0.1 with a throwaway data folder (SQLite, demo registry,
# development issuer, audit writes on), then drives it with `hey` at fixed rates.
# Usage: scripts/bench-api.sh [seconds-per-rate] [published-dir]
#   By default it measures what ./run.sh serves: the local host published ReadyToRun for linux-x64
#   (framework-dependent, scripts/lib.sh publish_local_host). BENCH_BUILD=jit measures the plain
#   Release build instead (`dotnet …LocalHost.dll`, every method JIT-compiled at start).
#   With a published folder as 2nd argument, that folder's ClinicMail.LocalHost is what runs. (The
#   deployable zip holds the Functions worker, which needs the Functions host; see docs/performance.md.)
#   Extra environment for the app (runtime knobs under test) goes in BENCH_APP_ENV, e.g.
#   BENCH_APP_ENV="DOTNET_gcServer=0" scripts/bench-api.sh 10
# One development token stands for every user, so the per-user concurrency guard (4 by default) is raised.
# Needs: hey (apt-get install hey)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
PORT=7081
URL="http://127.0.0.1:$PORT"
command -v hey >/dev/null || { echo "install hey: apt-get install -y hey"; exit 1; }
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
for project in functions/ClinicMail.LocalHost functions/ClinicMail.Cli; do dotnet build -c Release -nologo -v q "$project" >/dev/null; done
APP_CMD=(dotnet functions/ClinicMail.LocalHost/bin/Release/net10.0/ClinicMail.LocalHost.dll)
CLI=functions/ClinicMail.Cli/bin/Release/net10.0/clinicmail.dll
if [ -n "${2:-}" ]; then
  APP_CMD=("$2/ClinicMail.LocalHost")
  echo "running the published local host: $2"
elif [ "${BENCH_BUILD:-r2r}" != "jit" ]; then
  APP_CMD=("$(publish_local_host)/ClinicMail.LocalHost")
  echo "running the local host published ReadyToRun (what ./run.sh serves; BENCH_BUILD=jit for the plain build)"
else
  echo "running the plain Release build (JIT)"
fi

start_app() { # $1 data folder
  # shellcheck disable=SC2086 # BENCH_APP_ENV is a list of NAME=value words.
  env ${BENCH_APP_ENV:-} Logging__LogLevel__ClinicMail.Startup=Debug ClinicMail__Mode=Development Identity__Mode=Development ClinicMail__DataDirectory="$1" ClinicMail__PublicBaseUrl="$URL" \
  ClinicMail__InternalDomains__0=cliniquedemo.med ASPNETCORE_URLS="$URL" Logging__LogLevel__Default=Warning RequestGuards__ConcurrentRequestsPerUser=1000 \
    "${APP_CMD[@]}" >"$1.log" 2>&1 &
  APP_PID=$!
}

# Cold start: process start → first successful check. The token is minted before the clock starts
# (the CLI creates the development signing key the app then loads), so only the app is timed.
cold_start() { # $1 data folder; prints milliseconds, leaves the app running (APP_PID)
  local token start
  token=$(dotnet "$CLI" token --role Physician --data-dir "$1" --base-url "$URL")
  start=$(date +%s%N)
  start_app "$1"
  until curl -fsS -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      --data @docs/examples/01-appointment-consented.json "$URL/api/v1/check" 2>/dev/null; do sleep 0.005; done
  COLD_MS=$(( ($(date +%s%N) - start) / 1000000 ))
  # CPU time the process used up to its first answer: unlike wall-clock, barely moved by other load.
  COLD_CPU_MS=$(awk '{print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' "/proc/$APP_PID/stat")
}

# The app's own per-phase breakdown of its start (StartupTimeline: JIT-compiled methods, CPU, allocations).
print_timeline() { # $1 app log
  grep 'Startup phase' "$1" | sed 's/^ */    /' || true
}

DATA=$(mktemp -d /tmp/clinicmail-bench.XXXXXX)
trap 'kill ${APP_PID:-0} 2>/dev/null; rm -rf "$DATA" "$DATA.log" "${PUBLISHED:-/nonexistent}"' EXIT
cold_start "$DATA"
echo "cold start, first run (local KEK generated, schema migrated, demo registry seeded): $COLD_MS ms (CPU $COLD_CPU_MS ms, load $(cut -d' ' -f1 /proc/loadavg))"
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
for i in 1 2 3 4 5; do
  cold_start "$DATA"
  echo "cold start, existing data folder (run $i): $COLD_MS ms (CPU $COLD_CPU_MS ms, load $(cut -d' ' -f1 /proc/loadavg))"
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
done
echo "  phases of the last start (StartupTimeline, ms since process start):"
print_timeline "$DATA.log"
start_app "$DATA"
until curl -fsS "$URL/api/health" >/dev/null 2>&1; do sleep 0.01; done

TOKEN=$(dotnet "$CLI" token --role Physician --data-dir "$DATA" --base-url "$URL" --minutes 120)
run() { # $1 rate, $2 body file
  local workers=20
  hey -z "${DURATION}s" -c $workers -q $(( $1 / workers )) -m POST -T application/json \
      -H "Authorization: Bearer $TOKEN" -D "$2" "$URL/api/v1/check" > /tmp/hey.out
  local p50 p99 rps errors
  p50=$(awk '/50% in/ {print $3*1000}' /tmp/hey.out); p99=$(awk '/99% in/ {print $3*1000}' /tmp/hey.out)
  rps=$(awk '/Requests\/sec/ {print $2}' /tmp/hey.out)
  errors=$(awk '/Status code distribution/ {f=1; next} f && /\[/ && $1 != "[200]" {s += $2} END {print s+0}' /tmp/hey.out)
  printf '%-32s target %5d req/s  achieved %8.1f req/s  p50 %6.2f ms  p99 %6.2f ms  non-200 %s  load %s\n' "$(basename "$2" .json)" "$1" "$rps" "$p50" "$p99" "$errors" "$(cut -d' ' -f1 /proc/loadavg)"
}
hey -n 2000 -c 20 -m POST -T application/json -H "Authorization: Bearer $TOKEN" -D docs/examples/03-sti-result-outside-consent.json "$URL/api/v1/check" >/dev/null
for rate in 200 500 1000; do
  run $rate docs/examples/01-appointment-consented.json
  run $rate docs/examples/03-sti-result-outside-consent.json
done
sqlite3 "$DATA/clinicmail.db" "SELECT 'audit records written: ' || COUNT(*) FROM audit_records" 2>/dev/null || true
