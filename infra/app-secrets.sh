#!/usr/bin/env bash
# ClinicMail's two HMAC keys, as secrets of its Key Vault: created with 32 random bytes (base64) when
# absent, left untouched when present. Safe to run any number of times; infra/deploy.sh runs it.
#
#   infra/app-secrets.sh --resource-group <rg> --vault <key vault name>
#
#   clinicmail-graph-client-state-key  IncomingMail__Graph__ClientStateKey: the HMAC under which each Graph
#                                      subscription's random clientState is stored (docs/incoming-mail.md)
#   clinicmail-code-key                Secure__CodeKey: the one-time-code HMAC key every instance shares
#
# Never replaced once created: a new clientState key would orphan every stored subscription hash, a new
# code key every code in flight. (To rotate on purpose, add a version in the vault and restart the app.)
# The app settings reference the secrets (@Microsoft.KeyVault); infra/modules/access.bicep grants the
# app's identity Key Vault Secrets User on each of them; the names are those of infra/main.bicep.
#
# A value is never printed, logged or put on a command line (where `ps` would show it): it goes from
# /dev/urandom through a pipe into an owner-only temporary file that az reads (@file), deleted at once.
# Control plane only (az resource show/create: Microsoft.KeyVault/vaults/secrets read/write, which the
# deployer's Owner or Contributor role holds): no Key Vault data-plane role is needed, and this path
# cannot read a value back.
set -euo pipefail

names=(clinicmail-graph-client-state-key clinicmail-code-key)
api_version="2024-11-01"
rg=""; vault=""

die() { echo "app-secrets: $*" >&2; exit 1; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --resource-group) rg="${2:-}"; shift 2 ;;
    --vault) vault="${2:-}"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done
[[ -n "$rg" ]] || die "--resource-group is required"
[[ "$vault" =~ ^[A-Za-z][A-Za-z0-9-]{1,22}[A-Za-z0-9]$ ]] || die "--vault must be the Key Vault's name (3-24 letters, digits, dashes)"

umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

secret_args() { # the az arguments naming one secret of the vault
  printf '%s\n' --resource-group "$rg" --namespace Microsoft.KeyVault --parent "vaults/$vault" \
    --resource-type secrets --name "$1" --api-version "$api_version"
}

# 0: the secret exists; 1: it does not. Any other answer (signed out, no right, network) stops the
# script: treating it as "absent" would replace a key that is in use.
exists() {
  local name="$1" rc=0 args
  mapfile -t args < <(secret_args "$name")
  az resource show "${args[@]}" --query id --output none 2>"$work/show.err" || rc=$?
  if [[ $rc -eq 0 ]]; then return 0; fi
  # az exits 3 for a resource that is not found (and names the code in its message).
  if [[ $rc -eq 3 ]] || grep -Eq 'ResourceNotFound|SecretNotFound|NotFound' "$work/show.err"; then return 1; fi
  cat "$work/show.err" >&2
  die "could not tell whether $name exists in $vault (az exit $rc): nothing was changed"
}

create() {
  local name="$1" body="$work/$1.json" args
  mapfile -t args < <(secret_args "$name")
  # 32 random bytes, base64, straight into the request body (jq reads the value from its stdin).
  head -c 32 /dev/urandom | base64 | tr -d '\n' |
    jq -Rc '{value: ., contentType: "base64: 32 random bytes (ClinicMail HMAC key)", attributes: {enabled: true}}' >"$body"
  az resource create "${args[@]}" --properties "@$body" --output none
  rm -f "$body"
}

for name in "${names[@]}"; do
  if exists "$name"; then
    echo "app-secrets: $name exists in $vault: kept"
  else
    create "$name"
    echo "app-secrets: $name created in $vault (32 random bytes; the value is not shown)"
  fi
done
