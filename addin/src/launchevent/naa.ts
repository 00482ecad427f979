// Nested App Authentication provider (msal-browser createNestablePublicClientApplication +
// acquireTokenSilent). Built into its own file, dist/naa.js, loaded by commands.html and
// taskpane.html before the add-in code: msal-browser alone is ~290 KB minified, five times the
// launch-event bundle's budget. Classic Outlook on Windows runs only launchevent.js in its
// JavaScript-only runtime and there uses the Office SSO fallback (see README).
import { createNestablePublicClientApplication, type IPublicClientApplication } from "@azure/msal-browser";
import { resolveConfig } from "../shared/config";
import { registerTokenProvider } from "../shared/tokens";

let pca: Promise<IPublicClientApplication> | null = null;

function application(): Promise<IPublicClientApplication> {
  if (!pca) {
    const config = resolveConfig();
    pca = createNestablePublicClientApplication({
      auth: { clientId: config.clientId, authority: config.authority },
      cache: { cacheLocation: "localStorage" },
    }).catch((error: unknown) => {
      pca = null;
      throw error;
    });
  }
  return pca;
}

registerTokenProvider({
  name: "naa",
  async getToken(interactive: boolean): Promise<string> {
    const app = await application();
    const scopes = [resolveConfig().apiScope];
    const account = app.getActiveAccount() ?? app.getAllAccounts()[0];
    try {
      const result = await app.acquireTokenSilent(account ? { scopes, account } : { scopes });
      return result.accessToken;
    } catch (error) {
      // Only the task pane may show UI; on Send the next provider (Office SSO) is tried.
      if (!interactive) throw error;
      const result = await app.acquireTokenPopup({ scopes });
      return result.accessToken;
    }
  },
});
