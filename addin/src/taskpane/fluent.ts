// Registers the Fluent UI web components the pane uses and applies the Fluent light theme
// (design tokens as CSS custom properties on the document, which the pane's CSS also reads).
import "@fluentui/web-components/button.js";
import "@fluentui/web-components/badge.js";
import "@fluentui/web-components/message-bar.js";
import "@fluentui/web-components/spinner.js";
import { setTheme } from "@fluentui/web-components";
import { webLightTheme } from "@fluentui/tokens";

export function useFluent(): void {
  setTheme(webLightTheme);
}
