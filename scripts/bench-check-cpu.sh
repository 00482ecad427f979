#!/usr/bin/env bash
# CPU time per check of the local host at 500 req/s, for both drafts of bench-api.sh: a figure that
# a loaded machine barely moves, unlike wall-clock p99 (docs/performance.md, "Steady-state cost of a check").
# Usage: scripts/bench-check-cpu.sh PUBLISHED_DIR LABEL [checks] [warm-up checks]
#   PUBLISHED_DIR: a local host published as scripts/lib.sh publish_local_host does (dotnet publish
#   functions/ClinicMail.LocalHost -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o DIR).
#   APPENV="NAME=value ..." adds runtime knobs; PERF=1 records `perf record -g` of each measured run in
#   /tmp/clinicmail-cpu/LABEL.<draft>.perf.data (start the app with DOTNET_PerfMapEnabled=1
#   DOTNET_EnableWriteXorExecute=0 in APPENV so JIT-compiled frames have names).
# A/B: alternate two published folders back to back and compare the CPU per check.
set -euo pipefail
cd "$(dirname "$0")/.."
PUB=$1; LABEL=$2; N=${3:-3000}; WARM=${4:-2000}
PORT=${PORT:-7181}; URL="http://127.0.0.1:$PORT"
dotnet build -c Release -nologo -v q functions/ClinicMail.Cli >/dev/null
CLI=functions/ClinicMail.Cli/bin/Release/net10.0/clinicmail.dll
mkdir -p /tmp/clinicmail-cpu
DATA=$(mktemp -d /tmp/clinicmail-cpu/data.XXXXXX)
dotnet "$CLI" token --role Physician --data-dir "$DATA" --base-url "$URL" --minutes 120 > "$DATA.tok"
TOKEN=$(cat "$DATA.tok")
# shellcheck disable=SC2086 # APPENV is a list of NAME=value words.
env ${APPENV:-} ClinicMail__Mode=Development Identity__Mode=Development ClinicMail__DataDirectory="$DATA" ClinicMail__PublicBaseUrl="$URL" \
  ClinicMail__InternalDomains__0=cliniquedemo.med ASPNETCORE_URLS="$URL" Logging__LogLevel__Default=Warning RequestGuards__ConcurrentRequestsPerUser=1000 \
  "$PUB/ClinicMail.LocalHost" > "$DATA.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA" "$DATA.tok" "$DATA.log"' EXIT
until curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data @docs/examples/01-appointment-consented.json "$URL/api/v1/check" 2>/dev/null; do sleep 0.05; done
cpu() { awk '{print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"'}' /proc/$PID/stat; }
# Bytes the process handed to write()/pwrite() (WAL appends, checkpoints, responses): /proc/PID/io wchar.
wchar() { awk '/^wchar:/ {print $2}' /proc/$PID/io; }
for d in 01-appointment-consented 03-sti-result-outside-consent; do
  hey -n $WARM -c 20 -q 25 -m POST -T application/json -H "Authorization: Bearer $TOKEN" -D docs/examples/$d.json "$URL/api/v1/check" >/dev/null
done
for d in 01-appointment-consented 03-sti-result-outside-consent; do
  if [ -n "${PERF:-}" ]; then perf record -F 999 -g -p $PID -o /tmp/clinicmail-cpu/$LABEL.$d.perf.data 2>/dev/null & PERFPID=$!; sleep 0.5; fi
  a=$(cpu); wa=$(wchar); s=$(date +%s%N)
  hey -n $N -c 20 -q 25 -m POST -T application/json -H "Authorization: Bearer $TOKEN" -D docs/examples/$d.json "$URL/api/v1/check" > /tmp/clinicmail-cpu/$LABEL.$d.hey
  b=$(cpu); wb=$(wchar); e=$(date +%s%N)
  if [ -n "${PERF:-}" ]; then kill -INT $PERFPID; wait $PERFPID || true; fi
  p50=$(awk '/50% in/ {print $3*1000}' /tmp/clinicmail-cpu/$LABEL.$d.hey); p99=$(awk '/99% in/ {print $3*1000}' /tmp/clinicmail-cpu/$LABEL.$d.hey)
  non=$(awk '/Status code distribution/ {f=1; next} f && /\[/ && $1 != "[200]" {s += $2} END {print s+0}' /tmp/clinicmail-cpu/$LABEL.$d.hey)
  printf '%-10s %-32s CPU/check %.3f ms  written/check %5.1f KB  p50 %6.2f p99 %6.2f ms  non200 %s load %s\n' "$LABEL" "$d" "$(echo "($b - $a) / $N" | bc -l)" \
    "$(echo "($wb - $wa) / $N / 1024" | bc -l)" "$p50" "$p99" "$non" "$(cut -d' ' -f1 /proc/loadavg)"
done
