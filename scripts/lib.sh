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

# The add-in's suites (unit, manifest, browser); wired as the add-in lands.
run_addin_suites() { :; }
