// Access tokens for the ClinicMail API. Providers are tried in order; the first that answers
// wins. The runtime that hosts the add-in registers them on a global list because the NAA
// provider (msal-browser, ~290 KB) ships in its own file (naa.js) to keep the launch-event
// bundle under its 60 KB budget; the Office SSO provider is always last (see addin/README.md).
import type { FailureKind } from "./failurePolicy";

export interface TokenProvider {
  readonly name: string;
  /** `interactive` is false on Send: no sign-in UI may appear in a launch event. */
  getToken(interactive: boolean): Promise<string>;
}

export class TokenError extends Error {
  /** "network" when a provider could not reach its service (the API is down), else "token". */
  readonly kind: FailureKind;
  constructor(
    readonly attempts: readonly string[],
    unreachable = false,
  ) {
    super(`No access token could be obtained (${attempts.join(", ") || "no provider"})`);
    this.name = "TokenError";
    this.kind = unreachable ? "network" : "token";
  }
}

const REGISTRY_KEY = "__clinicMailTokenProviders";

type Registry = { [REGISTRY_KEY]?: TokenProvider[] };

/** Registers a provider ahead of the ones already registered (more specific first). */
export function registerTokenProvider(provider: TokenProvider): void {
  const g = globalThis as Registry;
  const list = g[REGISTRY_KEY] ?? [];
  g[REGISTRY_KEY] = [provider, ...list.filter((p) => p.name !== provider.name)];
}

export function registeredTokenProviders(): TokenProvider[] {
  return [...((globalThis as Registry)[REGISTRY_KEY] ?? [])];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error("provider failed"));
      },
    );
  });
}

/** Tries each provider within the shared budget; records which failed, never why in detail (no token text). */
export async function acquireToken(
  providers: readonly TokenProvider[],
  interactive: boolean,
  budgetMs: number,
): Promise<string> {
  const attempts: string[] = [];
  let unreachable = false;
  const deadline = Date.now() + budgetMs;
  for (const provider of providers) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    try {
      const token = await withTimeout(provider.getToken(interactive), left);
      if (token) return token;
      attempts.push(`${provider.name}:empty`);
    } catch (error) {
      if ((error as { kind?: unknown } | null)?.kind === "network") unreachable = true;
      attempts.push(
        `${provider.name}:${error instanceof Error && error.message === "timeout" ? "timeout" : "failed"}`,
      );
    }
  }
  throw new TokenError(attempts, unreachable);
}

/**
 * Office SSO (OfficeRuntime.auth.getAccessToken): the fallback where NAA is unavailable. It
 * needs WebApplicationInfo in the manifest and the API registered with the Office clients
 * pre-authorised. Works in event-based handlers when allowSignInPrompt is false.
 */
export const officeSsoProvider: TokenProvider = {
  name: "office-sso",
  async getToken(interactive: boolean): Promise<string> {
    const runtime = (globalThis as { OfficeRuntime?: typeof OfficeRuntime }).OfficeRuntime;
    if (!runtime?.auth?.getAccessToken) throw new Error("Office SSO unavailable");
    return runtime.auth.getAccessToken({
      allowSignInPrompt: interactive,
      allowConsentPrompt: interactive,
      forMSGraphAccess: false,
    });
  },
};

/** The provider list for this runtime: whatever was registered (NAA, or the sandbox's dev token), then Office SSO. */
export function tokenProviders(): TokenProvider[] {
  const registered = registeredTokenProviders();
  return registered.some((p) => p.name === officeSsoProvider.name)
    ? registered
    : [...registered, officeSsoProvider];
}
