#!/usr/bin/env bash
# Cold starts only (docs/performance.md, "Cold start, round 3"): process start → first successful
# POST /api/v1/check of published local hosts, alternated back to back on ONE existing data folder,
# with each start's CPU time (/proc), its StartupTimeline (ClinicMail.Startup=Debug) and, with
# BENCH_JIT_DIR=folder, the runtime's list of the methods it JIT-compiled (DOTNET_JitStdOutFile, LABEL.jit there).
# Usage: scripts/bench-cold-start.sh N PUBLISHED_DIR [PUBLISHED_DIR...]
#   e.g. scripts/bench-cold-start.sh 5 /tmp/base "$(bash -c 'source scripts/lib.sh; publish_local_host')"
# Each line: label, run, wall ms, CPU ms, methods JIT-compiled (timeline), load average. The timeline of each folder's last
# start follows. Needs the Release CLI (built here) to mint the development token before the clock.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:?runs}; shift
[ $# -ge 1 ] || { echo "usage: $0 N PUBLISHED_DIR [PUBLISHED_DIR...]" >&2; exit 2; }
PORT=7083
URL="http://127.0.0.1:$PORT"
dotnet build -c Release -nologo -v q functions/ClinicMail.Cli >/dev/null
CLI=functions/ClinicMail.Cli/bin/Release/net10.0/clinicmail.dll
DATA=$(mktemp -d /tmp/clinicmail-cold.XXXXXX)
trap 'kill ${APP_PID:-0} 2>/dev/null; rm -rf "$DATA" "$DATA".*' EXIT

start_one() { # $1 published folder, $2 log file, $3 JIT list file (or empty)
  local token start jit_env=()
  token=$(dotnet "$CLI" token --role Physician --data-dir "$DATA" --base-url "$URL")
  [ -n "$3" ] && jit_env=(DOTNET_JitStdOutFile="$3" DOTNET_JitDisasmSummary=1)
  start=$(date +%s%N)
  env "${jit_env[@]}" Logging__LogLevel__ClinicMail.Startup=Debug ClinicMail__Mode=Development Identity__Mode=Development \
    ClinicMail__DataDirectory="$DATA" ClinicMail__PublicBaseUrl="$URL" ClinicMail__InternalDomains__0=cliniquedemo.med \
    ASPNETCORE_URLS="$URL" Logging__LogLevel__Default=Warning "$1/ClinicMail.LocalHost" >"$2" 2>&1 &
  APP_PID=$!
  until curl -fsS -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      --data @docs/examples/01-appointment-consented.json "$URL/api/v1/check" 2>/dev/null; do sleep 0.005; done
  WALL_MS=$(( ($(date +%s%N) - start) / 1000000 ))
  CPU_MS=$(awk '{print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' "/proc/$APP_PID/stat")
  # Methods JIT-compiled up to the first answer, every thread: the StartupTimeline's per-phase counts summed
  # (with BENCH_JIT_DIR, also the runtime's own list of them, for a breakdown by namespace).
  JIT=$(grep -o 'JIT +[0-9]* methods' "$2" | awk '{s += substr($2, 2)} END {print s + 0}')
  kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true
}

# First start: creates the key, the schema and the demo registry (not measured).
start_one "$1" "$DATA.first.log" ""
for run in $(seq 1 "$RUNS"); do
  for dir in "$@"; do
    label=$(basename "$dir")
    jit=""
    [ -n "${BENCH_JIT_DIR:-}" ] && jit="$BENCH_JIT_DIR/$label.jit" && rm -f "$jit"
    start_one "$dir" "$DATA.$label.log" "$jit"
    printf '%-12s run %d  wall %5d ms  CPU %5s ms  JIT %5s  load %s\n' "$label" "$run" "$WALL_MS" "$CPU_MS" "$JIT" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
for dir in "$@"; do
  echo "  timeline of the last start of $(basename "$dir"):"
  grep 'Startup ' "$DATA.$(basename "$dir").log" | sed 's/^ */    /' || true
done
