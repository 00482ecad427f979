#!/usr/bin/env bash
# Produces the deployable Azure Functions package for Flex Consumption's dotnet-isolated 10.0 runtime:
# a zip whose root holds host.json, the worker (ClinicMail.Functions.dll, ReadyToRun for linux-x64),
# the functions.metadata the Worker SDK generates, the extensions bundle it builds (.azurefunctions/),
# the reviewer's page (wwwroot/) and the built add-in under addin/ without its sandbox. Deploy it with
#   az functionapp deployment source config-zip … --src out/clinicmail-functions.zip   (docs/deploy.md)
# Usage: functions/publish.sh [output-zip]   (default out/clinicmail-functions.zip)
set -euo pipefail
cd "$(dirname "$0")/.."
ZIP=$(realpath -m "${1:-out/clinicmail-functions.zip}")
STAGE=$(mktemp -d /tmp/clinicmail-publish.XXXXXX)
trap 'rm -rf "$STAGE"' EXIT

locked=(); [ "${CI:-}" = "true" ] && locked=(--locked-mode)
dotnet restore functions/ClinicMail.Functions -r linux-x64 -p:PublishReadyToRun=true "${locked[@]}" -v q
# ReadyToRun: precompiled code for a faster cold start (docs/performance.md). Framework-dependent:
# the dotnet-isolated runtime provides .NET 10.
dotnet publish functions/ClinicMail.Functions -c Release -r linux-x64 --self-contained false --no-restore \
  -p:PublishReadyToRun=true -p:DebugType=none -o "$STAGE" -nologo -v q

if [ -f addin/package.json ]; then
  (cd addin && { [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run build --silent >/dev/null)
  mkdir -p "$STAGE/addin" && cp -r addin/dist/. "$STAGE/addin/"
  # The sandbox (a simulated Outlook with fictional patients) is for ./run.sh only.
  rm -rf "$STAGE/addin/sandbox" "$STAGE"/addin/assets/sandbox-*
fi

mkdir -p "$(dirname "$ZIP")" && rm -f "$ZIP"
(cd "$STAGE" && zip -qr -X "$ZIP" .)
echo "$ZIP ($(du -h "$ZIP" | cut -f1))"
