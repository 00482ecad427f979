// Entry of taskpane.html inside Outlook: waits for Office, then mounts the pane on the real
// compose item. Tokens come from the registered providers (naa.js loads first) then Office SSO.
import { resolveConfig } from "../shared/config";
import { languageFrom } from "../shared/i18n";
import { composeItem, officeCall } from "../shared/officeItem";
import { acquireToken, tokenProviders } from "../shared/tokens";
import { useFluent } from "./fluent";
import { mountTaskPane } from "./pane";
import "./taskpane.css";

Office.onReady(() => {
  useFluent();
  const config = resolveConfig();
  const item = composeItem();
  mountTaskPane(document.getElementById("app")!, {
    item,
    lang: languageFrom(Office.context.displayLanguage),
    config,
    getToken: (interactive) => acquireToken(tokenProviders(), interactive, 15000),
    async send() {
      // Mailbox 1.15; the OnMessageSend check still runs on this send.
      if (
        !Office.context.requirements.isSetSupported("Mailbox", "1.15") ||
        typeof item.sendAsync !== "function"
      )
        return false;
      await officeCall<void>("sendAsync", (cb) => item.sendAsync(cb));
      return true;
    },
  });
});
