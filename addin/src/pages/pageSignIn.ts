// MSAL sign-in for the app's web pages (/clinic/, /review/) in production (Entra): the redirect flow
// (authorization code with PKCE), configured from what the app serves at GET /api/sign-in-config.
// Built into its own file, dist/page-signin.js (an IIFE exposing `ClinicMailPageSignIn`), which the
// pages' shared script (wwwroot/shared/page-session.js) loads only in Entra mode: in development the
// pages use the app's local development issuer and never load MSAL.
import {
  InteractionRequiredAuthError,
  PublicClientApplication,
  type AccountInfo,
  type Configuration,
} from "@azure/msal-browser";

/** The app's answer at GET /api/sign-in-config (PageSignIn.SignInConfig in the C# code). */
export interface SignInConfig {
  mode: string;
  authority: string | null;
  clientId: string | null;
  scopes: string[] | null;
}

/** What the page's script uses; `token()` is null when nobody is signed in (or MSAL is redirecting). */
export interface PageSignInSession {
  account(): AccountInfo | null;
  signIn(): Promise<void>;
  signOut(): Promise<void>;
  token(): Promise<string | null>;
}

/**
 * MSAL's configuration for a page: the authority and client id the app serves, the page itself as
 * the redirect URI (registered as an SPA redirect in infra/entra/app-manifest.json), the authority's
 * host as a known authority (no instance discovery call), and tokens kept for this tab only.
 */
export function msalConfiguration(config: SignInConfig, redirectUri: string): Configuration {
  if (config.mode !== "entra" || !config.authority || !config.clientId || !config.scopes?.length) {
    throw new Error(
      "the sign-in configuration is not an Entra one (authority, client id and scope are required)",
    );
  }
  const authority = new URL(config.authority);
  if (authority.protocol !== "https:") throw new Error("the authority must be an https URL");
  return {
    auth: {
      clientId: config.clientId,
      authority: config.authority,
      knownAuthorities: [authority.host],
      redirectUri,
      postLogoutRedirectUri: redirectUri,
    },
    cache: { cacheLocation: "sessionStorage" },
  };
}

/** Creates the MSAL application, finishes a sign-in redirect if the page is coming back from one. */
export async function start(config: SignInConfig, redirectUri: string): Promise<PageSignInSession> {
  const scopes = config.scopes ?? [];
  const app = new PublicClientApplication(msalConfiguration(config, redirectUri));
  await app.initialize();
  const back = await app.handleRedirectPromise();
  if (back?.account) app.setActiveAccount(back.account);
  const account = (): AccountInfo | null => app.getActiveAccount() ?? app.getAllAccounts()[0] ?? null;
  return {
    account,
    signIn: () => app.loginRedirect({ scopes }),
    signOut: () => app.logoutRedirect({ account: account() ?? undefined }),
    async token() {
      const who = account();
      if (!who) return null;
      try {
        return (await app.acquireTokenSilent({ scopes, account: who })).accessToken;
      } catch (error) {
        // Expired session or new consent needed: back to the sign-in page, the page reloads after.
        if (error instanceof InteractionRequiredAuthError) {
          await app.acquireTokenRedirect({ scopes, account: who });
          return null;
        }
        throw error;
      }
    },
  };
}
