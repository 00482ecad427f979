// Runtime configuration. Defaults are fixed at build time (scripts/build.mjs replaces the
// __CLINICMAIL_*__ constants from environment variables, see addin/README.md); the sandbox and
// tests may override them through `globalThis.clinicMailConfig`, which only code running in
// the add-in's own runtime can set.
import type { FailurePolicy } from "./failurePolicy";
import { parseFailurePolicy } from "./failurePolicy";

declare const __CLINICMAIL_API_BASE__: string;
declare const __CLINICMAIL_FAILURE_POLICY__: string;
declare const __CLINICMAIL_CLIENT_ID__: string;
declare const __CLINICMAIL_API_SCOPE__: string;
declare const __CLINICMAIL_AUTHORITY__: string;
declare const __CLINICMAIL_VERSION__: string;

export interface ClinicMailConfig {
  /** Origin of the ClinicMail API, without trailing slash. */
  apiBase: string;
  failurePolicy: FailurePolicy;
  /** Budget for POST /api/v1/check on Send: well under Outlook's 5-second "taking longer" dialog. */
  checkBudgetMs: number;
  /** Budget for obtaining a token on Send (NAA or Office SSO), counted before the check budget. */
  tokenBudgetMs: number;
  /** Entra application (client) id of the add-in, for NAA. */
  clientId: string;
  /** The API scope the token is requested for, e.g. api://<host>/<client-id>/access_as_user. */
  apiScope: string;
  authority: string;
  version: string;
}

function constant(read: () => string, fallback: string): string {
  try {
    const value = read();
    return typeof value === "string" && value.length > 0 ? value : fallback;
  } catch {
    // Not replaced (unit tests without the build's define): use the development default.
    return fallback;
  }
}

export function defaultConfig(): ClinicMailConfig {
  return {
    apiBase: constant(() => __CLINICMAIL_API_BASE__, "https://localhost:7071"),
    failurePolicy: parseFailurePolicy(constant(() => __CLINICMAIL_FAILURE_POLICY__, "prompt")),
    checkBudgetMs: 3000,
    tokenBudgetMs: 1500,
    clientId: constant(() => __CLINICMAIL_CLIENT_ID__, "00000000-0000-0000-0000-000000000000"),
    apiScope: constant(
      () => __CLINICMAIL_API_SCOPE__,
      "api://localhost:7071/00000000-0000-0000-0000-000000000000/access_as_user",
    ),
    authority: constant(() => __CLINICMAIL_AUTHORITY__, "https://login.microsoftonline.com/organizations"),
    version: constant(() => __CLINICMAIL_VERSION__, "0.0.0-dev"),
  };
}

export type ConfigOverrides = Partial<Omit<ClinicMailConfig, "failurePolicy">> & { failurePolicy?: string };

export function resolveConfig(overrides?: ConfigOverrides | null): ClinicMailConfig {
  const base = defaultConfig();
  const fromGlobal = (globalThis as { clinicMailConfig?: ConfigOverrides }).clinicMailConfig;
  const merged = { ...base, ...(fromGlobal ?? {}), ...(overrides ?? {}) };
  return {
    ...merged,
    apiBase: merged.apiBase.replace(/\/+$/, ""),
    failurePolicy: parseFailurePolicy(String(merged.failurePolicy)),
  };
}
