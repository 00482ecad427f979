// The simulated compose window's state. The sandbox page edits it as a user would; the mock
// Office item (mockOffice.ts) reads and writes it as Outlook would for the add-in.
import type { DraftRecipient, RecipientField } from "../shared/contract";

export interface SandboxAttachment {
  id: string;
  name: string;
  size: number;
  contentBase64: string;
  /** Outlook's attachment type: a file (default), a cloud link (OneDrive/SharePoint) or an attached item. */
  kind?: "file" | "cloud" | "item";
}

export interface ComposeState {
  from: DraftRecipient;
  to: DraftRecipient[];
  cc: DraftRecipient[];
  bcc: DraftRecipient[];
  subject: string;
  bodyHtml: string;
  attachments: SandboxAttachment[];
}

export type ChangeOrigin = "user" | "addin";
export type ChangeListener = (
  origin: ChangeOrigin,
  what: RecipientField | "subject" | "body" | "attachments" | "all",
) => void;

export class ComposeModel {
  readonly session = new Map<string, string>();
  private readonly listeners = new Set<ChangeListener>();
  private nextAttachmentId = 1;

  constructor(public state: ComposeState) {}

  onChange(listener: ChangeListener): void {
    this.listeners.add(listener);
  }

  update(origin: ChangeOrigin, what: Parameters<ChangeListener>[1], patch: Partial<ComposeState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l(origin, what);
  }

  addAttachment(
    name: string,
    size: number,
    contentBase64: string,
    kind: SandboxAttachment["kind"] = "file",
  ): void {
    const id = `att-${this.nextAttachmentId++}`;
    this.update("user", "attachments", {
      attachments: [...this.state.attachments, { id, name, size, contentBase64, kind }],
    });
  }

  reset(patch: Partial<ComposeState>): void {
    this.session.clear();
    this.update("user", "all", {
      to: [],
      cc: [],
      bcc: [],
      subject: "",
      bodyHtml: "",
      attachments: [],
      ...patch,
    });
  }
}

/** "Name <a@b>; c@d" → recipients. */
export function parseRecipients(text: string): DraftRecipient[] {
  return text
    .split(/[;,]/)
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const m = /^(.*)<([^>]+)>$/.exec(part);
      if (m) {
        const name = m[1]!.trim().replace(/^"|"$/g, "");
        return name ? { address: m[2]!.trim(), name } : { address: m[2]!.trim() };
      }
      return { address: part };
    });
}

export function formatRecipients(list: readonly DraftRecipient[]): string {
  return list
    .map((r) => (r.name && r.name !== r.address ? `${r.name} <${r.address}>` : r.address))
    .join("; ");
}

export function textToHtml(text: string): string {
  const escape = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return text
    .split(/\n{2,}/)
    .map((para) => `<p>${escape(para).replace(/\n/g, "<br>")}</p>`)
    .join("");
}
