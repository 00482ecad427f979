// Build-time constants (see addin/README.md, "Deploying: the host"). Deploy sets these from the
// environment; the defaults are the local development host.
export const DEFAULT_HOST = "https://localhost:7071";

export function buildSettings(env = process.env) {
  const host = (env.CLINICMAIL_HOST || DEFAULT_HOST).replace(/\/+$/, "");
  if (!/^https:\/\/[^/]+$/.test(host)) {
    throw new Error(
      "CLINICMAIL_HOST must be an https origin without a path, e.g. https://clinicmail.example.org",
    );
  }
  const clientId = env.CLINICMAIL_CLIENT_ID || "00000000-0000-0000-0000-000000000000";
  return {
    host,
    apiBase: (env.CLINICMAIL_API_BASE || host).replace(/\/+$/, ""),
    failurePolicy: env.CLINICMAIL_FAILURE_POLICY || "prompt",
    clientId,
    apiScope: env.CLINICMAIL_API_SCOPE || `api://${new URL(host).host}/${clientId}/access_as_user`,
    authority: env.CLINICMAIL_AUTHORITY || "https://login.microsoftonline.com/organizations",
    version: env.CLINICMAIL_VERSION || "1.0.0",
  };
}

export function buildDefines(env = process.env) {
  const s = buildSettings(env);
  return {
    __CLINICMAIL_API_BASE__: JSON.stringify(s.apiBase),
    __CLINICMAIL_FAILURE_POLICY__: JSON.stringify(s.failurePolicy),
    __CLINICMAIL_CLIENT_ID__: JSON.stringify(s.clientId),
    __CLINICMAIL_API_SCOPE__: JSON.stringify(s.apiScope),
    __CLINICMAIL_AUTHORITY__: JSON.stringify(s.authority),
    __CLINICMAIL_VERSION__: JSON.stringify(s.version),
  };
}

export const DEV_CLIENT_ID = "00000000-0000-0000-0000-000000000000";

/**
 * The manifest deploy uploads: the development host and client id placeholders of
 * manifest.xml replaced by the configured ones (every URL, AppDomain and the
 * WebApplicationInfo resource api://<host>/<client-id>).
 */
export function deployManifest(xml, settings) {
  return xml
    .split(DEFAULT_HOST)
    .join(settings.host)
    .split(`api://${new URL(DEFAULT_HOST).host}/`)
    .join(`api://${new URL(settings.host).host}/`)
    .split(DEV_CLIENT_ID)
    .join(settings.clientId);
}
