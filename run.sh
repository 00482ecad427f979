#!/usr/bin/env bash
# Starts ClinicMail locally on its embedded defaults: SQLite file and local keys under .data/,
# the local development token issuer, mail written to .data/mail-pickup/, the add-in and its
# sandbox served at http://localhost:7071. Installs what it needs; safe to run twice.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/lib.sh

PORT=7071
URL="http://localhost:$PORT"
DATA="$(pwd)/.data"
DOMAIN="cliniquedemo.med"

if curl -fsS "$URL/api/health" >/dev/null 2>&1; then
  echo "ClinicMail already answers on $URL (stop it with Ctrl+C in its terminal to restart)."
  exit 0
fi

ensure_dotnet_restored
ensure_addin_built
echo "== build"
for project in functions/ClinicMail.LocalHost functions/ClinicMail.Cli; do dotnet build -c Release --no-restore -nologo -v q "$project" >/dev/null; done
CLI=(dotnet functions/ClinicMail.Cli/bin/Release/net10.0/clinicmail.dll)
# The fast path: the local host published ReadyToRun (precompiled, about half the cold start;
# docs/performance.md). Elsewhere than linux-x64, or if that publish fails, the plain build runs.
APP=(dotnet functions/ClinicMail.LocalHost/bin/Release/net10.0/ClinicMail.LocalHost.dll)
if [ "$(uname -s)-$(uname -m)" = "Linux-x86_64" ] && [ "${CLINICMAIL_RUN_JIT:-}" != "1" ]; then
  echo "== publish (ReadyToRun)"
  if published=$(publish_local_host); then APP=("$published/ClinicMail.LocalHost"); fi
fi

mkdir -p "$DATA"
"${CLI[@]}" demo-seed --db "$DATA/clinicmail.db"

echo
echo "== The sample drafts of docs/examples/, checked against the demo registry"
echo
for draft in docs/examples/*.json; do
  "${CLI[@]}" check "$draft" --db "$DATA/clinicmail.db" --internal-domain "$DOMAIN" --format pretty --lang fr || true
done

cat <<TXT
== Starting ClinicMail on $URL (development mode — every response carries X-ClinicMail-Development)

  Open the sandbox (a simulated Outlook compose window with the real add-in):
      $URL/sandbox/
  API description:   $URL/api/openapi.json      Liveness: $URL/api/health
  A token for the API (roles: Physician, ClinicAdmin, ComplianceReviewer):
      ${CLI[*]} token --role Physician --data-dir .data
  Then, for example:
      curl -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
           --data @docs/examples/03-sti-result-outside-consent.json $URL/api/v1/check

TXT

export ClinicMail__Mode=Development
export Identity__Mode=Development
export ClinicMail__DataDirectory="$DATA"
export ClinicMail__PublicBaseUrl="$URL"
export ClinicMail__InternalDomains__0="$DOMAIN"
export ClinicMail__AddinDirectory="$(pwd)/addin/dist"
export ASPNETCORE_URLS="$URL"
exec "${APP[@]}"
