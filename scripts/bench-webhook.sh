#!/usr/bin/env bash
# Load on the Graph webhook, POST /api/v1/mail/notifications, on loopback (docs/performance.md,
# "Incoming mail"). Starts the Release local host with a throwaway data folder and a clientState, then
# drives it with `hey` at 200 notifications/s: each request is one Graph notification with the right
# clientState, answered 202 after it is enqueued (database queue; the worker drains it behind).
# Usage: scripts/bench-webhook.sh [seconds]          Needs: hey (apt-get install hey)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
PORT=7082
URL="http://127.0.0.1:$PORT"
command -v hey >/dev/null || { echo "install hey: apt-get install -y hey"; exit 1; }
dotnet build -c Release -nologo -v q functions/ClinicMail.LocalHost >/dev/null
DATA=$(mktemp -d /tmp/clinicmail-bench-webhook.XXXXXX)
KEY=$(python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())')
ClinicMail__Mode=Development Identity__Mode=Development ClinicMail__DataDirectory="$DATA" ClinicMail__PublicBaseUrl="$URL" \
  ClinicMail__InternalDomains__0=cliniquedemo.med ASPNETCORE_URLS="$URL" Logging__LogLevel__Default=Warning \
  IncomingMail__Graph__NotificationUrl=https://bench.invalid/api/v1/mail/notifications \
  IncomingMail__Graph__LifecycleNotificationUrl=https://bench.invalid/api/v1/mail/lifecycle \
  IncomingMail__Graph__ClientStateKey="$KEY" IncomingMail__Graph__BaseUri=http://127.0.0.1:9/ \
  dotnet functions/ClinicMail.LocalHost/bin/Release/net10.0/ClinicMail.LocalHost.dll >"$DATA.log" 2>&1 &
APP=$!
trap 'kill $APP 2>/dev/null || true; rm -rf "$DATA" "$DATA.log"' EXIT
for _ in $(seq 1 120); do curl -fsS "$URL/api/ready" >/dev/null 2>&1 && break; sleep 1; done
HASH=$(python3 -c 'import base64,hashlib,hmac,sys; print(hmac.new(base64.b64decode(sys.argv[1]), b"bench-client-state", hashlib.sha256).hexdigest())' "$KEY")
python3 - "$DATA/clinicmail.db" "$HASH" <<'PY'
import sqlite3, sys, datetime
now = datetime.datetime.now(datetime.timezone.utc)
fmt = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
db = sqlite3.connect(sys.argv[1], timeout=30)
db.execute("INSERT OR REPLACE INTO mail_subscriptions (subscription_id, mailbox, folder, client_state_hash, expires_at, created_at) VALUES ('sub-1', 'bench-mailbox', 'inbox', ?, ?, ?)",
           (bytes.fromhex(sys.argv[2]), fmt(now + datetime.timedelta(days=2)), fmt(now)))
db.commit()
PY
BODY='{"value":[{"subscriptionId":"sub-1","clientState":"bench-client-state","changeType":"created","resource":"Users/7f1c2a9e-0000-4000-8000-000000000001/Messages/AAMkBench","resourceData":{"id":"AAMkBench"}}]}'
# Warm up, then the measured run (-q: requests per second per worker; 20 workers x 10 = 200/s).
hey -z 3s -q 10 -c 20 -m POST -T application/json -d "$BODY" "$URL/api/v1/mail/notifications" >/dev/null
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
hey -z "${DURATION}s" -q 10 -c 20 -m POST -T application/json -d "$BODY" "$URL/api/v1/mail/notifications" | grep -E "Requests/sec|99%|95%|50%|\[202\]|\[[45][0-9][0-9]\]"
