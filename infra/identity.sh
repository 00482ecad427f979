# ClinicMail identity: every identity value is derived here from three given once to infra/deploy.sh:
# the add-in host (the clinic's custom domain), the API's client id and the tenant id. Sourced, not run.
#
#   application ID URI  api://<host>/<client id>   Entra identifierUris, manifest WebApplicationInfo
#                                                  Resource, Identity__Audience (v1 token audience)
#   scope               <application ID URI>/access_as_user   the add-in's NAA/SSO scope
#   accepted audiences  <client id> (v2 tokens) and the application ID URI   Identity__ClientId/Audience
#   issuer              https://login.microsoftonline.com/<tenant>/v2.0     Identity__AllowedTenants__0
#   NAA redirect        brk-multihub://<host>                                Entra spa.redirectUris
#   add-in origin       https://<host>                                       CLINICMAIL_HOST of the add-in build
#
# The other consumers derive the same values on their own (register-app.sh from app-manifest.json,
# addin/scripts/defines.mjs, infra/modules/functionapp.bicep); a test (IdentityConsistencyTests) checks
# that all of them agree with these for one set of sample values.

clinicmail_derive_identity() { # <host> <client id> <tenant id>
  CLINICMAIL_HOST_NAME="$1"
  CLINICMAIL_CLIENT_ID="$2"
  CLINICMAIL_TENANT_ID="$3"
  CLINICMAIL_HOST="https://$1"
  CLINICMAIL_APP_ID_URI="api://$1/$2"
  CLINICMAIL_API_SCOPE="$CLINICMAIL_APP_ID_URI/access_as_user"
  CLINICMAIL_ACCEPTED_AUDIENCES="$2 $CLINICMAIL_APP_ID_URI"
  CLINICMAIL_ISSUER="https://login.microsoftonline.com/$3/v2.0"
  CLINICMAIL_NAA_REDIRECT="brk-multihub://$1"
}

clinicmail_print_identity() {
  local name
  for name in CLINICMAIL_HOST_NAME CLINICMAIL_CLIENT_ID CLINICMAIL_TENANT_ID CLINICMAIL_HOST CLINICMAIL_APP_ID_URI \
    CLINICMAIL_API_SCOPE CLINICMAIL_ACCEPTED_AUDIENCES CLINICMAIL_ISSUER CLINICMAIL_NAA_REDIRECT; do
    printf '  %s=%s\n' "$name" "${!name}"
  done
}
