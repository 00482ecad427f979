#!/usr/bin/env bash
# Creates or updates the ClinicMail Entra app registration from app-manifest.json. Idempotent: the
# registration is found by display name, every property is PATCHed to the manifest's value, and
# grants/credentials are added only when missing. Re-run it whenever the add-in host changes.
#
# Usage:
#   infra/entra/register-app.sh --host <add-in host>            create/update the registration
#       [--name ClinicMail]                                      display name (default ClinicMail)
#       [--spa-redirect https://<host>/<page>]...                extra SPA redirect (dialog fallback page)
#       [--managed-identity-object-id <principalId>]             the Function App identity (deployment output)
#       [--graph-grantee app|managed-identity]                   who holds Mail.Send/Domain.Read.All (default app)
#       [--grant-admin-consent]                                  grant the Graph application permissions
#   infra/entra/register-app.sh --host <add-in host> --render-only   print the manifest to be applied, no Azure call
#
# Roles needed: Application Administrator (or owner of the registration) to create/update it;
# Privileged Role Administrator or Global Administrator for --grant-admin-consent, because
# Mail.Send and Domain.Read.All are application permissions.
#
# Graph identity, no secret: with --graph-grantee app (default) the backend calls Graph as this
# registration, authenticating with a federated credential whose subject is the Function App's
# managed identity (no client secret or certificate exists). With --graph-grantee managed-identity
# the permissions are granted to the managed identity's own service principal instead.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
manifest="$here/app-manifest.json"
graph="https://graph.microsoft.com/v1.0"
graph_app_id="00000003-0000-0000-c000-000000000000"
fic_name="clinicmail-function-identity"

host=""
name=""
mi_object_id=""
grantee="app"
grant_consent=false
render_only=false
extra_redirects=()

die() { echo "register-app: $*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --host) host="${2:-}"; shift 2 ;;
    --name) name="${2:-}"; shift 2 ;;
    --spa-redirect) extra_redirects+=("${2:-}"); shift 2 ;;
    --managed-identity-object-id) mi_object_id="${2:-}"; shift 2 ;;
    --graph-grantee) grantee="${2:-}"; shift 2 ;;
    --grant-admin-consent) grant_consent=true; shift ;;
    --render-only) render_only=true; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done

command -v jq >/dev/null || die "jq is required"
[[ -n "$host" ]] || die "--host is required (the add-in host name, e.g. clinicmail-func-abc123.azurewebsites.net)"
# NAA requires the broker redirect to carry the origin only: no scheme, no path.
[[ "$host" =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:[0-9]{1,5})?$ ]] || die "--host must be a bare host name (no scheme, no path)"
[[ "$grantee" == "app" || "$grantee" == "managed-identity" ]] || die "--graph-grantee must be app or managed-identity"
guid_re='^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
if [[ -n "$mi_object_id" && ! "$mi_object_id" =~ $guid_re ]]; then die "--managed-identity-object-id must be a GUID"; fi
if [[ "$grantee" == "managed-identity" && "$grant_consent" == true && -z "$mi_object_id" ]]; then
  die "--graph-grantee managed-identity needs --managed-identity-object-id"
fi
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

# Pass 1: everything except pre-authorised clients (Graph rejects a pre-authorisation that refers to
# a scope which does not exist yet, and on first run the scope is created by this very PATCH).
render "$app_id" | jq --arg n "$name" '.displayName = $n | del(.api.preAuthorizedApplications)' >"$tmp/pass1.json"
patch "$graph/applications/$object_id" "$tmp/pass1.json"
# Pass 2: the Office client ids pre-authorised for the access_as_user scope (legacy SSO fallback).
render "$app_id" | jq '{api: .api}' >"$tmp/pass2.json"
patch "$graph/applications/$object_id" "$tmp/pass2.json"
echo "register-app: application updated (appId $app_id)"

sp_id="$(az ad sp list --filter "appId eq '$app_id'" --query '[0].id' --output tsv)"
if [[ -z "$sp_id" ]]; then
  sp_id="$(az ad sp create --id "$app_id" --query id --output tsv)"
fi
# Only users (or groups) assigned one of the three app roles can obtain a token for ClinicMail.
echo '{"appRoleAssignmentRequired": true}' >"$tmp/sp.json"
patch "$graph/servicePrincipals/$sp_id" "$tmp/sp.json"

if [[ -n "$mi_object_id" && "$grantee" == "app" ]]; then
  tenant_id="$(az account show --query tenantId --output tsv)"
  existing="$(az rest --method GET --uri "$graph/applications/$object_id/federatedIdentityCredentials" --query "value[?name=='$fic_name'] | length(@)" --output tsv)"
  if [[ "$existing" == "0" ]]; then
    jq -n --arg n "$fic_name" --arg iss "https://login.microsoftonline.com/$tenant_id/v2.0" --arg sub "$mi_object_id" \
      '{name: $n, issuer: $iss, subject: $sub, audiences: ["api://AzureADTokenExchange"], description: "ClinicMail Function App managed identity (no client secret)"}' >"$tmp/fic.json"
    az rest --method POST --uri "$graph/applications/$object_id/federatedIdentityCredentials" \
      --headers "Content-Type=application/json" --body "@$tmp/fic.json" --output none
    echo "register-app: federated credential added for the managed identity"
  fi
fi

if [[ "$grant_consent" == true ]]; then
  if [[ "$grantee" == "app" ]]; then grantee_sp="$sp_id"; else grantee_sp="$mi_object_id"; fi
  graph_sp="$(az ad sp show --id "$graph_app_id" --query id --output tsv)"
  assigned="$(az rest --method GET --uri "$graph/servicePrincipals/$grantee_sp/appRoleAssignments" --query 'value[].appRoleId' --output json)"
  for role_id in $(jq -r --arg g "$graph_app_id" '.requiredResourceAccess[] | select(.resourceAppId == $g) | .resourceAccess[] | select(.type == "Role") | .id' "$manifest"); do
    if jq -e --arg r "$role_id" 'index($r) != null' <<<"$assigned" >/dev/null; then continue; fi
    jq -n --arg p "$grantee_sp" --arg res "$graph_sp" --arg r "$role_id" '{principalId: $p, resourceId: $res, appRoleId: $r}' >"$tmp/grant.json"
    az rest --method POST --uri "$graph/servicePrincipals/$grantee_sp/appRoleAssignments" \
      --headers "Content-Type=application/json" --body "@$tmp/grant.json" --output none
    echo "register-app: granted Graph application permission $role_id"
  done
fi

echo "register-app: done."
echo "  Application (client) id: $app_id   -> entraClientId in infra/main.parameters.json"
if [[ "$grantee" == "app" ]]; then
  echo "  Graph caller AppId:      $app_id   -> -AppId of infra/exchange/limit-mail-send.ps1"
else
  echo "  Graph caller: the managed identity; use its application id (az ad sp show --id $mi_object_id --query appId) as -AppId"
fi
