# Shared steps of run.sh and test.sh. Each is idempotent: it checks before it installs.

# Debian packages the suites need. apt-get update runs only when something is missing.
ensure_debian_packages() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
  command -v zip >/dev/null 2>&1 || missing+=(zip)
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== apt-get install ${missing[*]}"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

ensure_dotnet_restored() {
  echo "== NuGet restore"
  if [ "${CI:-}" = "true" ]; then
    dotnet restore ClinicMail.sln --locked-mode -v q
  else
    dotnet restore ClinicMail.sln -v q
  fi
}

# The local host as ./run.sh and scripts/bench-api.sh run it: published ReadyToRun for linux-x64,
# framework-dependent — its code precompiled, so a cold start JIT-compiles far fewer methods
# (docs/performance.md, "API p99 and cold start"). Prints the folder; an unchanged tree republishes quickly.
publish_local_host() {
  local out=functions/ClinicMail.LocalHost/bin/Release/net10.0/linux-x64/publish-r2r
  dotnet publish functions/ClinicMail.LocalHost -c Release -r linux-x64 --self-contained false \
    -p:PublishReadyToRun=true -o "$out" -nologo -v q >/dev/null
  echo "$(pwd)/$out"
}

# The Bicep CLI restored by the PackageDownload of tests/ClinicMail.Infra.Tests (version pinned as
# BicepCliVersion in Directory.Packages.props). Prints its path.
bicep_cli() {
  local version packages binary
  version=$(sed -n 's:.*<BicepCliVersion>\(.*\)</BicepCliVersion>.*:\1:p' "$ROOT/Directory.Packages.props")
  packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
  binary="$packages/azure.bicep.commandline.linux-x64/$version/tools/bicep"
  [ -f "$binary" ] || { echo "Bicep CLI $version not restored ($binary): run dotnet restore ClinicMail.sln" >&2; return 1; }
  [ -x "$binary" ] || chmod u+x "$binary"
  echo "$binary"
}

# bicep build + bicep lint on every template under infra/, offline. Any warning is a failure: a
# template silences a rule only with "#disable-next-line <rule> // why" (the tests check the why).
run_bicep_checks() {
  echo "== Bicep: build + lint every template (warnings are failures)"
  local bicep out file bad=0 n=0
  if ! bicep=$(bicep_cli); then suite_failed "Bicep CLI missing"; return; fi
  export BICEP_TELEMETRY_ENABLED=false
  while IFS= read -r file; do
    n=$((n + 1))
    out=$( { "$bicep" build "$file" --stdout >/dev/null; "$bicep" lint "$file"; } 2>&1 )
    if [ $? -ne 0 ] || printf '%s' "$out" | grep -qE ': (Warning|Error) '; then
      echo "!! $file"; printf '%s\n' "$out" | grep -E ': (Warning|Error) ' | head -20; bad=$((bad + 1))
    fi
  done < <(find "$ROOT/infra" -name '*.bicep' | sort)
  if [ "$bad" -eq 0 ]; then echo "   $n templates clean"; add_counts 1 0 0; else suite_failed "bicep build/lint: $bad template(s)"; fi
}

ensure_addin_built() {
  [ -f addin/package.json ] || return 0
  echo "== add-in: npm ci + build"
  (cd addin && { [ -d node_modules ] && [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund --loglevel=error; } && npm run build --silent)
}

# PostgreSQL: a throwaway cluster in a temporary directory on a free loopback port.
start_postgres_for_tests() {
  local bindir
  bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [ -n "$bindir" ] || { echo "PostgreSQL is not installed"; return 1; }
  PG_DIR=$(mktemp -d /tmp/clinicmail-pg.XXXXXX)
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo 55432)
  local run_as=()
  if [ "$(id -u)" -eq 0 ]; then
    # initdb refuses to run as root: the cluster belongs to the postgres system user.
    chown postgres "$PG_DIR"; run_as=(runuser -u postgres --)
  fi
  "${run_as[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U clinicmail --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log"; return 1; }
  "${run_as[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off" -l "$PG_DIR/server.log" -w start >/dev/null || { cat "$PG_DIR/server.log"; return 1; }
  export CLINICMAIL_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=clinicmail;Database=postgres"
  PG_BINDIR=$bindir
  echo "PostgreSQL test server on 127.0.0.1:$PG_PORT"
}

stop_postgres_for_tests() {
  [ -n "${PG_DIR:-}" ] || return 0
  local run_as=(); [ "$(id -u)" -eq 0 ] && run_as=(runuser -u postgres --)
  "${run_as[@]}" "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  unset CLINICMAIL_TEST_POSTGRES PG_DIR
}

# Azurite (npm azurite, pinned in tests/tools/package.json): the Azure Storage emulator for the
# blob and queue tests, on free loopback ports with a throwaway folder. Exports
# CLINICMAIL_TEST_AZURITE, a connection string with the emulator's published development account.
ensure_test_tools() {
  [ -x tests/tools/node_modules/.bin/azurite ] && return 0
  (cd tests/tools && npm ci --no-audit --no-fund --loglevel=error) >/dev/null
}

start_azurite_for_tests() {
  ensure_test_tools || { echo "Azurite could not be installed (npm ci in tests/tools)"; return 1; }
  local blob queue table
  blob=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  queue=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  table=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  AZURITE_DIR=$(mktemp -d /tmp/clinicmail-azurite.XXXXXX)
  tests/tools/node_modules/.bin/azurite --silent --skipApiVersionCheck --disableProductStyleUrl \
    --blobHost 127.0.0.1 --blobPort "$blob" --queueHost 127.0.0.1 --queuePort "$queue" \
    --tableHost 127.0.0.1 --tablePort "$table" \
    --location "$AZURITE_DIR" >"$AZURITE_DIR/azurite.log" 2>&1 &
  AZURITE_PID=$!
  for _ in $(seq 1 240); do # up to 60 s: a loaded CI machine starts node slowly
    if (exec 3<>"/dev/tcp/127.0.0.1/$blob") 2>/dev/null && (exec 3<>"/dev/tcp/127.0.0.1/$queue") 2>/dev/null; then
      # The emulator's well-known development account (documented by Microsoft; not a secret).
      export CLINICMAIL_TEST_AZURITE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$blob/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$queue/devstoreaccount1;"
      echo "Azurite test emulator on 127.0.0.1:$blob (blob), 127.0.0.1:$queue (queue)"
      return 0
    fi
    sleep 0.25
  done
  echo "Azurite did not start"; cat "$AZURITE_DIR/azurite.log"; return 1
}

stop_azurite_for_tests() {
  [ -n "${AZURITE_PID:-}" ] && kill "$AZURITE_PID" 2>/dev/null && wait "$AZURITE_PID" 2>/dev/null
  [ -n "${AZURITE_DIR:-}" ] && rm -rf "$AZURITE_DIR"
  unset AZURITE_PID AZURITE_DIR CLINICMAIL_TEST_AZURITE
}

# Reads a Vitest JSON report and adds its counts. $1: report file, $2: suite name.
count_vitest() {
  if [ ! -s "$1" ]; then suite_failed "$2 (no report: see test-artifacts/)"; return; fi
  # A test file whose setup fails (a failed suite) reports its tests as skipped, not failed: count each
  # such file as one failure, so a broken beforeAll can never pass as "0 failed".
  read -r p f s files < <(node -e 'const r=require(process.argv[1]); console.log(r.numPassedTests, r.numFailedTests, r.numPendingTests + (r.numTodoTests||0), (r.testResults||[]).filter(t => t.status === "failed" && !(t.assertionResults||[]).some(a => a.status === "failed")).length)' "$1")
  echo "   $2: $p passed, $f failed, $s skipped$([ "$files" -gt 0 ] && echo ", $files test file(s) failed to run")"
  add_counts "$p" "$((f + files))" "$s"
}

# Starts the app (Debug build) on a free loopback port with a throwaway data folder, for the
# browser suites. Sets APP_URL, APP_DATA and APP_PID, and exports the folders and the watched mailbox of
# the incoming-mail drop folder (CLINICMAIL_MAIL_INBOX, CLINICMAIL_MAIL_PICKUP, CLINICMAIL_INCOMING_MAILBOX,
# CLINICMAIL_CLINIC_PHONE) for incoming-mail.browser.test.ts.
# Secure__CodeRequestsPerIp: every patient of the browser suites (reader, consent, accessibility)
# asks for codes from the one loopback address; the per-link limits stay as configured.
start_app_for_tests() {
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  APP_DATA=$(mktemp -d /tmp/clinicmail-app.XXXXXX)
  rm -f "$ART/telemetry.jsonl"
  APP_URL="http://127.0.0.1:$port"
  export CLINICMAIL_MAIL_INBOX="$APP_DATA/mail-inbox" CLINICMAIL_MAIL_PICKUP="$APP_DATA/mail-pickup"
  export CLINICMAIL_INCOMING_MAILBOX=clinique@cliniquedemo.med CLINICMAIL_CLINIC_PHONE="514 555-0100"
  IncomingMail__DropFolder="$CLINICMAIL_MAIL_INBOX" IncomingMail__Mailboxes__0__Address="$CLINICMAIL_INCOMING_MAILBOX" \
  IncomingMail__Mailboxes__0__ResponseDelayBusinessDays=2 IncomingMail__ClinicPhone="$CLINICMAIL_CLINIC_PHONE" \
  ClinicMail__Mode=Development Identity__Mode=Development ClinicMail__DataDirectory="$APP_DATA" \
  ClinicMail__PublicBaseUrl="$APP_URL" ClinicMail__InternalDomains__0=cliniquedemo.med \
  ClinicMail__AddinDirectory="$ROOT/addin/dist" ASPNETCORE_URLS="$APP_URL" \
  Secure__CodeRequestsPerIp=300 \
  Telemetry__ExportFile="$ART/telemetry.jsonl" \
    dotnet "$ROOT/functions/ClinicMail.LocalHost/bin/Debug/net10.0/ClinicMail.LocalHost.dll" >"$ART/app.log" 2>&1 &
  APP_PID=$!
  for _ in $(seq 1 60); do
    curl -fsS "$APP_URL/api/health" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "the app did not start; see test-artifacts/app.log"; tail -20 "$ART/app.log"
  return 1
}

stop_app_for_tests() {
  [ -n "${APP_PID:-}" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null
  [ -n "${APP_DATA:-}" ] && rm -rf "$APP_DATA"
  unset APP_PID APP_DATA CLINICMAIL_MAIL_INBOX CLINICMAIL_MAIL_PICKUP CLINICMAIL_INCOMING_MAILBOX CLINICMAIL_CLINIC_PHONE
}

# The add-in's suites: unit + manifest (Vitest), lint and types, then the browser suites against a live app.
run_addin_suites() {
  [ -f addin/package.json ] || return 0
  if ! ensure_addin_built >"$ART/addin-build.log" 2>&1; then
    tail -30 "$ART/addin-build.log"; suite_failed "add-in npm ci/build (see test-artifacts/addin-build.log)"; return
  fi
  echo "== add-in: lint and types"
  if (cd addin && npm run --silent lint && npm run --silent typecheck) >"$ART/addin-lint.log" 2>&1; then add_counts 1 0 0
  else tail -30 "$ART/addin-lint.log"; suite_failed "add-in lint/typecheck (see test-artifacts/addin-lint.log)"; fi
  echo "== add-in: unit and manifest tests (Vitest)"
  (cd addin && npx vitest run --reporter=default --reporter=json --outputFile="$ART/addin-unit.json") >"$ART/addin-unit.log" 2>&1
  count_vitest "$ART/addin-unit.json" "add-in unit"
  echo "== browser tests (Chromium via playwright-core) against the running app"
  if start_app_for_tests; then
    (cd addin && CLINICMAIL_BASE_URL="$APP_URL" CLINICMAIL_ARTIFACTS="$ART" \
      npx vitest run --config vitest.browser.config.ts --reporter=default --reporter=json --outputFile="$ART/browser.json") >"$ART/browser.log" 2>&1
    count_vitest "$ART/browser.json" "browser"
    # Before the app stops (its mail pickup holds the link tokens the suite created): none of what the
    # suite sent may appear in the app's log or telemetry output (issue 15; docs/security.md).
    echo "== telemetry scan: PHI markers the browser suite sent, in the app's log and telemetry"
    # The app's database (audit chain, secure and consent tables) is scanned for link tokens only: the
    # registry holds the test patients' addresses by design.
    if node addin/scripts/phi-scan.mjs "$APP_DATA/mail-pickup" addin/test/browser,addin/src/sandbox \
        "$ART/app.log" "$ART"/telemetry*.json* --tokens-only "$APP_DATA"/clinicmail.db* >"$ART/phi-scan.log" 2>&1; then
      add_counts 1 0 0; sed 's/^/   /' "$ART/phi-scan.log"
    else
      cat "$ART/phi-scan.log"; suite_failed "PHI markers in the app's log or telemetry (see test-artifacts/phi-scan.log)"
    fi
  else
    suite_failed "browser tests: the app did not start"
  fi
  stop_app_for_tests
}
