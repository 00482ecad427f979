#!/usr/bin/env bash
# Scale-out benchmark (docs/scale.md): N local-host processes (Release build) over ONE real
# PostgreSQL server, each on its own loopback port with its own background services (audit
# checkpointer, purge, near-miss refresh), loaded at the same time by one `hey` per instance.
# At the end the instances are stopped and the audit chain is verified from its first record with
# the reviewer's CLI. Prints checks/s and p50/p99 per N, and the ratio to N = 1.
# Usage: scripts/bench-scale.sh [seconds=20] [instance counts="1 2 3"] [connections per instance=16]
# One development token stands for every user, so the per-user concurrency guard (4 by default) is raised.
# Needs: hey (apt-get install hey), PostgreSQL binaries (started here, like ./test.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ART="$ROOT/test-artifacts"; mkdir -p "$ART"
source scripts/lib.sh
DURATION=${1:-20}
COUNTS=${2:-"1 2 3"}
CONNECTIONS=${3:-16}
command -v hey >/dev/null || { echo "install hey: apt-get install -y hey"; exit 1; }
for project in functions/ClinicMail.LocalHost functions/ClinicMail.Cli; do dotnet build -c Release -nologo -v q "$project" >/dev/null; done
APP=functions/ClinicMail.LocalHost/bin/Release/net10.0/ClinicMail.LocalHost.dll
CLI=functions/ClinicMail.Cli/bin/Release/net10.0/clinicmail.dll
BODY=docs/examples/03-sti-result-outside-consent.json
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; stop_postgres_for_tests; }
trap cleanup EXIT
start_postgres_for_tests >/dev/null
PSQL=("$PG_BINDIR/psql" -h 127.0.0.1 -p "$PG_PORT" -U clinicmail -d postgres -qtA)

run_n() { # $1 instance count; prints one result line, sets RATE
  local n=$1 db data ports=() urls=() public token i pid
  db="cm_bench_$(date +%s%N)"; "${PSQL[@]}" -c "CREATE DATABASE $db" >/dev/null
  local conn="Host=127.0.0.1;Port=$PG_PORT;Username=clinicmail;Database=$db;Maximum Pool Size=40"
  data=$(mktemp -d /tmp/clinicmail-scale.XXXXXX)
  for i in $(seq 1 "$n"); do ports+=("$(free_port)"); done
  public="http://127.0.0.1:${ports[0]}"
  PIDS=()
  for i in $(seq 0 $((n - 1))); do
    ClinicMail__Mode=Development Identity__Mode=Development ClinicMail__DataDirectory="$data" ClinicMail__PublicBaseUrl="$public" \
    ClinicMail__InternalDomains__0=cliniquedemo.med Storage__Provider=Postgres Storage__ConnectionString="$conn" \
    ASPNETCORE_URLS="http://127.0.0.1:${ports[$i]}" Logging__LogLevel__Default=Warning RequestGuards__ConcurrentRequestsPerUser=1000 \
      dotnet "$APP" >"$data/instance-$i.log" 2>&1 &
    PIDS+=($!); urls+=("http://127.0.0.1:${ports[$i]}")
    # The first instance migrates the schema and seeds the demo registry alone; the others then start together.
    if [ "$i" -eq 0 ]; then until curl -fsS "${urls[0]}/api/ready" >/dev/null 2>&1; do sleep 0.2; done; fi
  done
  for url in "${urls[@]}"; do until curl -fsS "$url/api/ready" >/dev/null 2>&1; do sleep 0.2; done; done
  token=$(dotnet "$CLI" token --role Physician --data-dir "$data" --base-url "$public" --minutes 120)
  for url in "${urls[@]}"; do # warm-up: JIT, pools, near-miss index
    hey -n 300 -c 8 -m POST -T application/json -H "Authorization: Bearer $token" -D "$BODY" "$url/api/v1/check" >/dev/null
  done
  for i in "${!urls[@]}"; do
    hey -z "${DURATION}s" -c "$CONNECTIONS" -m POST -T application/json -H "Authorization: Bearer $token" -D "$BODY" \
      "${urls[$i]}/api/v1/check" >"$data/hey-$i.out" &
  done
  wait $(jobs -p | tail -n "$n") 2>/dev/null || true
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  PIDS=()
  RATE=$(cat "$data"/hey-*.out | awk '/Requests\/sec/ {s += $2} END {printf "%.1f", s}')
  local p50 p99 non200 records verify
  p50=$(cat "$data"/hey-*.out | awk '/50% in/ {v = $3 * 1000; if (v > m) m = v} END {printf "%.2f", m}')
  p99=$(cat "$data"/hey-*.out | awk '/99% in/ {v = $3 * 1000; if (v > m) m = v} END {printf "%.2f", m}')
  non200=$(cat "$data"/hey-*.out | awk '/Status code distribution/ {f=1; next} f && /\[/ && $1 != "[200]" {s += $2} END {print s+0}')
  records=$("${PSQL[@]}" -d "$db" -c "SELECT COUNT(*) || ' records, seq 1..' || COALESCE(MAX(seq),0) || ', ' || (SELECT COUNT(*) FROM audit_checkpoints) || ' checkpoints' FROM audit_records")
  if dotnet "$CLI" audit verify --postgres "$conn" --data-dir "$data" >/dev/null 2>&1; then verify="chain verifies"; else verify="CHAIN DOES NOT VERIFY"; fi
  printf 'N=%d  %8.1f checks/s  p50 %6.2f ms  p99 %7.2f ms (worst instance)  non-200 %s  load %s  audit: %s; %s\n' \
    "$n" "$RATE" "$p50" "$p99" "$non200" "$load" "$records" "$verify"
  "${PSQL[@]}" -c "DROP DATABASE $db WITH (FORCE)" >/dev/null
  rm -rf "$data"
}

BASE=""
for n in $COUNTS; do
  run_n "$n"
  [ -z "$BASE" ] && BASE=$RATE
  awk -v r="$RATE" -v b="$BASE" -v n="$n" 'BEGIN { printf "      ratio to the first run: %.2f (N=%d)\n", r / b, n }'
done
