#!/usr/bin/env bash
# Runs every ClinicMail test suite: C# (NUnit), the add-in (Vitest), browser (Chromium via
# playwright-core) and PostgreSQL contract tests. Installs what it needs on a fresh Debian
# machine and is safe to run twice. Azure Storage tests run against Azurite (tests/tools). Last line: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
ART="$ROOT/test-artifacts"
mkdir -p "$ART"
source "$ROOT/scripts/lib.sh"

PASSED=0; FAILED=0; SKIPPED=0
add_counts() { PASSED=$((PASSED + $1)); FAILED=$((FAILED + $2)); SKIPPED=$((SKIPPED + $3)); }
suite_failed() { echo "!! suite failed: $1"; FAILED=$((FAILED + 1)); }

ensure_debian_packages
ensure_dotnet_restored

echo "== C# build"
if ! dotnet build ClinicMail.sln --no-restore -c Debug -nologo -v q 2>&1 | tee "$ART/build.log" | grep -E "error|Warn|Build succeeded" | sort -u; then :; fi
if ! grep -q "Build succeeded" "$ART/build.log"; then
  suite_failed "dotnet build (see test-artifacts/build.log)"
fi

run_bicep_checks

echo "== C# format (dotnet format --verify-no-changes)"
if dotnet format ClinicMail.sln --verify-no-changes --no-restore -v q > "$ART/format.log" 2>&1; then
  add_counts 1 0 0
else
  cat "$ART/format.log" | head -30
  suite_failed "dotnet format: run 'dotnet format ClinicMail.sln' and commit"
fi

echo "== Functions package (functions/publish.sh)"
ensure_addin_built >"$ART/addin-build.log" 2>&1 || true
if functions/publish.sh "$ART/clinicmail-functions.zip" >"$ART/publish.log" 2>&1; then
  export CLINICMAIL_PUBLISHED_ZIP="$ART/clinicmail-functions.zip"
else
  tail -20 "$ART/publish.log"; suite_failed "functions/publish.sh (see test-artifacts/publish.log)"
fi

echo "== C# tests"
start_postgres_for_tests || suite_failed "PostgreSQL did not start: its tests would be skipped"
start_azurite_for_tests || suite_failed "Azurite did not start: the Storage Queue and Blob tests would be skipped"
dotnet test ClinicMail.sln --no-build -nologo 2>&1 | tee "$ART/dotnet-test.log" | grep -E "^(Passed|Failed)!|error|Failed [A-Za-z]" || true
read -r p f s < <(awk '/^(Passed|Failed)!/ {
    for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1));
      if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
    END { print p+0, f+0, s+0 }' "$ART/dotnet-test.log")
add_counts "$p" "$f" "$s"
if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then suite_failed "dotnet test ran no test (see test-artifacts/dotnet-test.log)"; fi
# The seed-scenario agreement (tests/data/seed-scenarios), written by SeedScenarioTests.
[ -f "$ART/seed-scenarios.txt" ] && head -1 "$ART/seed-scenarios.txt"
stop_postgres_for_tests
stop_azurite_for_tests

run_addin_suites

echo "$PASSED passed, $FAILED failed$( [ "$SKIPPED" -gt 0 ] && echo ", $SKIPPED skipped")"
[ "$FAILED" -eq 0 ]
