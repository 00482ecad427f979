#!/usr/bin/env bash
# Creates or updates the ClinicMail Entra app registration from app-manifest.json. Idempotent: the
# registration is found by display name, every property is PATCHed to the manifest's value, and
# grants/credentials are added only when missing. Re-run it whenever the add-in host changes.
#
# Usage:
#   infra/entra/register-app.sh --host <add-in host>            create/update the registration
#       [--name ClinicMail]                                      display name (default ClinicMail)
#       [--spa-redirect https://<host>/<page>]...                extra SPA redirect (dialog fallback page)
#   infra/entra/register-app.sh --host <add-in host> --render-only   print the manifest to be applied, no Azure call
#
# The host is the clinic's custom domain (e.g. clinicmail.clinique-exemple.med), under a domain
# verified in the tenant: the application ID URI is api://<host>/<client id> (Office SSO refuses
# *.azurewebsites.net), and infra/deploy.sh derives every other identity value from the same two.
#
# Roles needed: Cloud Application Administrator (or Application Administrator): create/update the
# registration and consent to its own access_as_user scope for the tenant.
#
# Graph: this registration holds NO Graph permission and no credential. The backend calls Graph
# (sendMail) as the Function App's user-assigned managed identity, granted "Application Mail.Send"
# for the sender mailbox only by infra/exchange/grant-mail-send.ps1 (Exchange RBAC for Applications).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
manifest="$here/app-manifest.json"
graph="https://graph.microsoft.com/v1.0"

host=""
name=""
render_only=false
extra_redirects=()

die() { echo "register-app: $*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --host) host="${2:-}"; shift 2 ;;
    --name) name="${2:-}"; shift 2 ;;
    --spa-redirect) extra_redirects+=("${2:-}"); shift 2 ;;
    --render-only) render_only=true; shift ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done

command -v jq >/dev/null || die "jq is required"
[[ -n "$host" ]] || die "--host is required (the add-in host name, e.g. clinicmail-func-abc123.azurewebsites.net)"
# NAA requires the broker redirect to carry the origin only: no scheme, no path.
[[ "$host" =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$ ]] || die "--host must be a bare host name (no scheme, no path)"
for r in "${extra_redirects[@]+"${extra_redirects[@]}"}"; do
  [[ "$r" =~ ^https://[^[:space:]]+$ ]] || die "--spa-redirect must be an https URL"
done

# The manifest with its placeholders filled in. CLIENT_ID is unknown before creation, so the first
# pass may leave it empty; identifierUris are applied only once the appId is known.
render() {
  local client_id="$1"
  local extras
  extras="$(printf '%s\n' "${extra_redirects[@]+"${extra_redirects[@]}"}" | jq -R . | jq -s 'map(select(length > 0))')"
  jq --arg host "$host" --arg cid "$client_id" --argjson extras "$extras" '
    walk(if type == "string" then gsub("\\{\\{ADDIN_HOST\\}\\}"; $host) | gsub("\\{\\{CLIENT_ID\\}\\}"; $cid) else . end)
    | .spa.redirectUris += $extras
    | .spa.redirectUris |= unique' "$manifest"
}

if [[ "$render_only" == true ]]; then
  render "${CLIENT_ID_FOR_RENDER:-00000000-0000-0000-0000-000000000000}" | jq --arg n "${name:-}" 'if $n != "" then .displayName = $n else . end'
  exit 0
fi

command -v az >/dev/null || die "Azure CLI (az) is required; run az login first"
name="${name:-$(jq -r .displayName "$manifest")}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

patch() { # patch <uri> <json-file>
  az rest --method PATCH --uri "$1" --headers "Content-Type=application/json" --body "@$2" --output none
}

echo "register-app: looking for application '$name'"
apps="$(az ad app list --filter "displayName eq '$name'" --query '[].{id:id, appId:appId}' --output json)"
count="$(jq length <<<"$apps")"
if [[ "$count" -gt 1 ]]; then die "more than one application is named '$name'; pass --name to pick a unique one"; fi
if [[ "$count" -eq 0 ]]; then
  echo "register-app: creating application '$name'"
  apps="$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg --query '[{id:id, appId:appId}]' --output json)"
fi
object_id="$(jq -r '.[0].id' <<<"$apps")"
app_id="$(jq -r '.[0].appId' <<<"$apps")"

# Pass 1: everything except what refers to the access_as_user scope (Graph rejects a reference to a
# scope which does not exist yet, and on first run the scope is created by this very PATCH).
render "$app_id" | jq --arg n "$name" '.displayName = $n | del(.api.preAuthorizedApplications) | del(.requiredResourceAccess)' >"$tmp/pass1.json"
patch "$graph/applications/$object_id" "$tmp/pass1.json"
# Pass 2: the Office client ids pre-authorised for the scope (Office SSO fallback) and the add-in's own
# delegated permission on it (NAA), which the admin consent below grants for the whole tenant.
render "$app_id" | jq '{api: .api, requiredResourceAccess: .requiredResourceAccess}' >"$tmp/pass2.json"
patch "$graph/applications/$object_id" "$tmp/pass2.json"
echo "register-app: application updated (appId $app_id)"

sp_id="$(az ad sp list --filter "appId eq '$app_id'" --query '[0].id' --output tsv)"
if [[ -z "$sp_id" ]]; then
  sp_id="$(az ad sp create --id "$app_id" --query id --output tsv)"
fi
# Only users (or groups) assigned one of the three app roles can obtain a token for ClinicMail.
echo '{"appRoleAssignmentRequired": true}' >"$tmp/sp.json"
patch "$graph/servicePrincipals/$sp_id" "$tmp/sp.json"

# Tenant-wide consent to the add-in's own access_as_user scope, so no physician is ever asked.
# Delegated permission on our own API only: Cloud Application Administrator is enough.
az ad app permission admin-consent --id "$app_id" --output none
echo "register-app: admin consent granted for access_as_user"

echo "register-app: done."
echo "  Application (client) id: $app_id"
echo "  Application ID URI:      api://$host/$app_id"
# Machine-readable last line for infra/deploy.sh.
echo "CLINICMAIL_CLIENT_ID=$app_id"
