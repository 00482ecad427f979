#!/usr/bin/env bash
# ClinicMail: one command from an empty resource group to the manifest.xml to upload in the
# Microsoft 365 admin center. docs/deploy.md walks through it. Idempotent: safe to re-run (that is also
# how an update is deployed).
#
#   infra/deploy.sh --resource-group <rg> --base-name <name> --host <custom domain> \
#       --sender <mailbox> --internal-domain <domain> [--internal-domain <domain>]... \
#       --postgres-admin-group-id <object id> --postgres-admin-group-name <display name> \
#       [--watched-mailbox <address>]... [--not-for-patients-mailbox <address>]... [--clinic-phone <number>] \
#       [--clinic-name <name>] [--location canadacentral] [--always-ready 1] [--client-id <id>] [--tenant-id <id>] [--what-if]
#
# --watched-mailbox: a box whose patients get the acknowledgement with the response delay and triage
# (mode correspondence); --not-for-patients-mailbox: a box that answers once per sender that it is not read
# for patients (docs/incoming-mail.md). With either, --clinic-phone is required.
# --what-if prints every command and every derived value and calls nothing (no Azure, no build);
# values only Azure knows (deployment outputs) appear as <placeholders>. --client-id/--tenant-id are
# looked up (register-app.sh, az account show) when absent.
#
# Needs: az (logged in: Owner or User Access Administrator + Contributor on the resource group,
# Application Administrator in Entra), jq, dotnet, node/npm, psql; pwsh with ExchangeOnlineManagement
# for the Exchange step, or hand that step to the Exchange administrator (printed).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=infra/identity.sh
source "$root/infra/identity.sh"

rg=""; location="canadacentral"; base=""; host=""; sender=""; domains=(); pg_admin_id=""; pg_admin_name=""
client_id=""; tenant_id=""; what_if=false; always_ready=1; out="$root/out"
watched=(); watched_modes=(); clinic_phone=""; clinic_name=""

die() { echo "deploy: $*" >&2; exit 1; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --resource-group) rg="${2:-}"; shift 2 ;;
    --location) location="${2:-}"; shift 2 ;;
    --base-name) base="${2:-}"; shift 2 ;;
    --host) host="${2:-}"; shift 2 ;;
    --sender) sender="${2:-}"; shift 2 ;;
    --internal-domain) domains+=("${2:-}"); shift 2 ;;
    --postgres-admin-group-id) pg_admin_id="${2:-}"; shift 2 ;;
    --postgres-admin-group-name) pg_admin_name="${2:-}"; shift 2 ;;
    --always-ready) always_ready="${2:-}"; shift 2 ;;
    --watched-mailbox) watched+=("${2:-}"); watched_modes+=(correspondence); shift 2 ;;
    --not-for-patients-mailbox) watched+=("${2:-}"); watched_modes+=(not_for_patients); shift 2 ;;
    --clinic-phone) clinic_phone="${2:-}"; shift 2 ;;
    --clinic-name) clinic_name="${2:-}"; shift 2 ;;
    --client-id) client_id="${2:-}"; shift 2 ;;
    --tenant-id) tenant_id="${2:-}"; shift 2 ;;
    --out) out="${2:-}"; shift 2 ;;
    --what-if) what_if=true; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) die "unknown argument: $1" ;;
  esac
done

guid_re='^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
[[ -n "$rg" ]] || die "--resource-group is required"
[[ "$base" =~ ^[a-z0-9]{3,11}$ ]] || die "--base-name must be 3-11 lowercase letters or digits"
[[ "$host" =~ ^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$ ]] || die "--host must be a bare lowercase host name (no scheme, no path, no port), e.g. clinicmail.clinique-exemple.med"
[[ "$host" != *.azurewebsites.net ]] || die "--host must be a domain the clinic owns: Office SSO refuses *.azurewebsites.net as the add-in's resource (docs/deploy.md, custom domain)"
[[ "$sender" =~ ^[^@[:space:]]+@[^@[:space:]]+$ ]] || die "--sender must be the sender mailbox address"
[[ ${#domains[@]} -gt 0 ]] || die "at least one --internal-domain is required"
[[ "$pg_admin_id" =~ $guid_re ]] || die "--postgres-admin-group-id must be the Entra group's object id"
[[ -n "$pg_admin_name" ]] || die "--postgres-admin-group-name is required"
[[ "$always_ready" =~ ^([0-9]|10)$ ]] || die "--always-ready must be 0-10"
[[ -z "$client_id" || "$client_id" =~ $guid_re ]] || die "--client-id must be a GUID"
[[ -z "$tenant_id" || "$tenant_id" =~ $guid_re ]] || die "--tenant-id must be a GUID"
for box in "${watched[@]}"; do
  [[ "$box" =~ ^[^@[:space:],]+@[^@[:space:],]+$ ]] || die "--watched-mailbox / --not-for-patients-mailbox must be a mailbox address"
done
[[ ${#watched[@]} -eq 0 || -n "$clinic_phone" ]] || die "--clinic-phone is required with watched mailboxes: the acknowledgement gives the number patients call when the delay passes"

# Prints a command, then runs it (not with --what-if). The text printed is the command itself.
step_no=0
step() { step_no=$((step_no + 1)); echo; echo "== $step_no. $*"; }
show() { # the command as one could paste it (placeholders stay readable)
  local arg line="+"
  for arg in "$@"; do
    if [[ "$arg" =~ ^[A-Za-z0-9_./:=@\<\>,+-]+$ ]]; then line+=" $arg"
    elif [[ "$arg" != *"'"* ]]; then line+=" '$arg'"
    else line+=" $(printf '%q' "$arg")"; fi
  done
  echo "$line"
}
run() {
  show "$@"
  [[ "$what_if" == true ]] || "$@"
}
# Like run, but stores the command's output in a variable; under --what-if, the placeholder.
capture() { # capture <variable> <placeholder> <command...>
  local variable="$1" placeholder="$2" value; shift 2
  show "$@"
  if [[ "$what_if" == true ]]; then value="$placeholder"; else value="$("$@")"; fi
  printf -v "$variable" '%s' "$value"
}

if [[ "$what_if" == true ]]; then echo "deploy: --what-if: printing the plan, calling nothing"; fi

step "Azure sign-in and tenant"
if [[ -z "$tenant_id" ]]; then capture tenant_id "<tenant-id>" az account show --query tenantId --output tsv; fi

step "Resource group"
run az group create --name "$rg" --location "$location" --tags application=ClinicMail --output none

step "Entra app registration (application ID URI api://$host/<client id>, roles, NAA redirect)"
if [[ -z "$client_id" ]]; then
  show "$root/infra/entra/register-app.sh" --host "$host"
  if [[ "$what_if" == true ]]; then
    client_id="<client-id>"
  else
    client_id="$("$root/infra/entra/register-app.sh" --host "$host" | tee /dev/stderr | sed -n 's/^CLINICMAIL_CLIENT_ID=//p')"
    [[ "$client_id" =~ $guid_re ]] || die "register-app.sh did not report the client id"
  fi
else
  run "$root/infra/entra/register-app.sh" --host "$host"
fi

clinicmail_derive_identity "$host" "$client_id" "$tenant_id"
echo
echo "Derived identity values (one source: --host, the client id, the tenant):"
clinicmail_print_identity

step "The app's HMAC keys in Key Vault (infra/app-secrets.sh: created once when absent, never shown)"
# An existing vault (a re-run): make sure both secrets exist before the deployment grants reading them.
# None yet (first run): the deployment creates the vault without the grants, then the secrets are made
# and the deployment runs again with them.
capture vault "" az keyvault list --resource-group "$rg" --query "[?starts_with(name, 'kv-$base-')].name | [0]" --output tsv
if [[ -n "$vault" ]]; then
  run "$root/infra/app-secrets.sh" --resource-group "$rg" --vault "$vault"
  vault_keys_ready=true
else
  echo "  no ClinicMail vault in $rg yet: the secrets follow the first deployment"
  vault_keys_ready=false
fi

step "Infrastructure (infra/main.bicep)"
mkdir -p "$out"
params="$out/main.parameters.json"
domains_json="$(printf '%s\n' "${domains[@]}" | jq -R . | jq -sc .)"
mailboxes_json="[]"
if [[ ${#watched[@]} -gt 0 ]]; then
  mailboxes_json="$(paste -d '\t' <(printf '%s\n' "${watched[@]}") <(printf '%s\n' "${watched_modes[@]}") |
    jq -R 'split("\t") | {address: .[0], mode: .[1]}' | jq -sc .)"
fi
jq -n --arg base "$base" --arg location "$location" --arg cid "$client_id" --argjson domains "$domains_json" \
  --arg sender "$sender" --arg host "$host" --arg pgid "$pg_admin_id" --arg pgname "$pg_admin_name" --argjson ready "$always_ready" \
  --argjson boxes "$mailboxes_json" --arg phone "$clinic_phone" --arg clinic "$clinic_name" --argjson readers "$vault_keys_ready" \
  '{ "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", contentVersion: "1.0.0.0",
     parameters: { baseName: {value: $base}, location: {value: $location}, entraClientId: {value: $cid},
       internalDomains: {value: $domains}, senderAddress: {value: $sender}, publicHostName: {value: $host},
       postgresEntraAdminObjectId: {value: $pgid}, postgresEntraAdminName: {value: $pgname},
       alwaysReadyHttpInstances: {value: $ready}, watchedMailboxes: {value: $boxes},
       clinicPhone: {value: $phone}, clinicName: {value: $clinic}, grantVaultKeyReaders: {value: $readers} } }' >"$params"
echo "parameters: $params"
sed 's/^/  /' "$params"
deploy_main() { # <outputs variable>
  capture "$1" '{"functionAppName":{"value":"<functionAppName>"},"functionAppHostName":{"value":"<functionAppHostName>"},"identityPrincipalId":{"value":"<identityPrincipalId>"},"identityClientId":{"value":"<identityClientId>"},"keyVaultName":{"value":"<keyVaultName>"},"postgresServerFqdn":{"value":"<postgresServerFqdn>"},"postgresDatabase":{"value":"clinicmail"},"postgresAppRoleName":{"value":"<postgresAppRoleName>"}}' \
    az deployment group create --resource-group "$rg" --name clinicmail --template-file "$root/infra/main.bicep" \
    --parameters "@$params" --query properties.outputs --output json
}
deploy_main outputs
output() { jq -r --arg k "$1" '.[$k].value' <<<"$outputs"; }

if [[ "$vault_keys_ready" != true ]]; then
  step "The app's HMAC keys in the new Key Vault, then the deployment again to grant reading them"
  run "$root/infra/app-secrets.sh" --resource-group "$rg" --vault "$(output keyVaultName)"
  jq '.parameters.grantVaultKeyReaders.value = true' "$params" >"$params.next" && mv "$params.next" "$params"
  deploy_main outputs
fi
app="$(output functionAppName)"; default_host="$(output functionAppHostName)"
identity_principal="$(output identityPrincipalId)"; identity_client="$(output identityClientId)"
pg_fqdn="$(output postgresServerFqdn)"; pg_db="$(output postgresDatabase)"; pg_role="$(output postgresAppRoleName)"

step "Custom domain $host (DNS: CNAME $host -> $default_host; TXT asuid.$host -> the verification id below)"
run az functionapp show --resource-group "$rg" --name "$app" --query customDomainVerificationId --output tsv
run az functionapp config hostname add --resource-group "$rg" --webapp-name "$app" --hostname "$host" ||
  die "binding $host failed: create the CNAME and TXT asuid.$host records shown above, wait for DNS, then re-run (every step is idempotent)"
capture thumbprint "<certificate-thumbprint>" az functionapp config ssl create --resource-group "$rg" --name "$app" --hostname "$host" --query thumbprint --output tsv
run az functionapp config ssl bind --resource-group "$rg" --name "$app" --certificate-thumbprint "$thumbprint" --ssl-type SNI

step "PostgreSQL role of the managed identity (as a member of $pg_admin_name)"
# The password is an Entra token for the signed-in admin: never printed, dropped right after.
echo '+ export PGPASSWORD="$(az account get-access-token --resource-type oss-rdbms --query accessToken -o tsv)"'
if [[ "$what_if" != true ]]; then PGPASSWORD="$(az account get-access-token --resource-type oss-rdbms --query accessToken -o tsv)"; export PGPASSWORD; fi
run psql "host=$pg_fqdn dbname=postgres user=$pg_admin_name sslmode=require" \
  -v "app_role=$pg_role" -v "app_oid=$identity_principal" -v "app_db=$pg_db" -f "$root/infra/postgres/create-app-role.sql"
unset PGPASSWORD

step "Build the add-in for $CLINICMAIL_HOST and the function package"
export CLINICMAIL_HOST CLINICMAIL_CLIENT_ID
echo "  CLINICMAIL_HOST=$CLINICMAIL_HOST CLINICMAIL_CLIENT_ID=$CLINICMAIL_CLIENT_ID (scope derived: $CLINICMAIL_API_SCOPE)"
run "$root/functions/publish.sh" "$out/clinicmail-functions.zip"
run cp "$root/addin/dist/manifest.xml" "$out/manifest.xml"

step "Publish the function package"
run az functionapp deploy --resource-group "$rg" --name "$app" --src-path "$out/clinicmail-functions.zip" --type zip

step "Exchange Online: Mail.Send for $sender only; Mail.ReadWrite and MailboxSettings.ReadWrite for the watched mailboxes only (RBAC for Applications)"
exchange=(pwsh -NoProfile -File "$root/infra/exchange/grant-mail-send.ps1" -AppId "$identity_client" \
  -ServicePrincipalObjectId "$identity_principal" -SenderAddress "$sender")
# pwsh -File passes one string: the script splits it on commas.
if [[ ${#watched[@]} -gt 0 ]]; then exchange+=(-WatchedMailboxes "$(IFS=,; echo "${watched[*]}")"); fi
if [[ "$what_if" == true ]] || command -v pwsh >/dev/null; then
  run "${exchange[@]}"
else
  echo "pwsh is not installed here: give this command to the Exchange administrator:"
  printf ' %q' "${exchange[@]}"; echo
fi

step "Smoke test"
run curl --fail --silent --show-error "$CLINICMAIL_HOST/api/health"

cat <<GUIDE

== Microsoft 365 admin center (by hand; no API does it for an add-in with an XML manifest)
  1. https://admin.microsoft.com > Settings > Integrated apps > Upload custom apps.
  2. App type "Office Add-in", then Upload manifest file (.xml) from device: $out/manifest.xml
     (never the repository's manifest.xml: it points at https://localhost:7071).
  3. Assign to the physicians' and clinic staff's group; deploy. Outlook picks it up within 24 h
     (sign out and in, or restart Outlook, to see it sooner).
  4. Enterprise applications > ClinicMail > Users and groups: assign Physician / ClinicAdmin /
     ComplianceReviewer (appRoleAssignmentRequired: nobody else can get a token).
  5. A physician writes to a patient and presses Send: the first checked Send.
GUIDE
