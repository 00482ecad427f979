// What the launch-event handler passes to event.completed(), as plain data so that the pure
// modules can build and test it without Office.js. Field names match
// Office.SmartAlertsEventCompletedOptions.

/** Outlook shows at most 500 characters of errorMessage / errorMessageMarkdown. */
export const MAX_DIALOG_CHARS = 500;
/** Outlook refuses a Don't Send button label longer than 20 characters. */
export const MAX_CANCEL_LABEL_CHARS = 20;
/** Id of the compose task pane button in manifest.xml; commandId opens it from the dialog. */
export const TASKPANE_COMMAND_ID = "msgComposeOpenPaneButton";

export interface Completion {
  allowEvent: boolean;
  errorMessage?: string;
  errorMessageMarkdown?: string;
  cancelLabel?: string;
  commandId?: string;
  /** Office.MailboxEnums.SendModeOverride.PromptUser has the string value "promptUser". */
  sendModeOverride?: "promptUser";
}

/** Which optional Smart Alerts features the running Outlook supports (Mailbox requirement sets). */
export interface Capabilities {
  /** Mailbox 1.14: cancelLabel, commandId, sendModeOverride. */
  customizeDialog: boolean;
  /** Mailbox 1.15: errorMessageMarkdown. */
  markdown: boolean;
}

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - 1)).trimEnd() + "…";
}
