// Promise wrappers over the Outlook compose item, shared by the Send handler and the task pane.
// Every AsyncResultStatus.Failed becomes an OfficeCallError naming the operation (never the
// data), so that one handleError per surface can decide what the user sees.
import type { Capabilities } from "./completion";
import type { Draft, DraftAttachment, DraftRecipient, RecipientField } from "./contract";
import type { RecipientOp } from "./recipients";

export class OfficeCallError extends Error {
  constructor(
    readonly operation: string,
    readonly code: number | string | undefined,
  ) {
    super(`Office call failed: ${operation}${code !== undefined ? ` (code ${String(code)})` : ""}`);
    this.name = "OfficeCallError";
  }
}

type Callback<T> = (result: Office.AsyncResult<T>) => void;

export function officeCall<T>(operation: string, invoke: (callback: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      invoke((result) => {
        if (result.status === Office.AsyncResultStatus.Failed) {
          reject(new OfficeCallError(operation, result.error?.code));
        } else {
          resolve(result.value);
        }
      });
    } catch {
      // Some hosts throw synchronously for an API they do not implement.
      reject(new OfficeCallError(operation, "throw"));
    }
  });
}

export function capabilities(): Capabilities {
  const req = Office.context?.requirements;
  const has = (version: string): boolean => {
    try {
      return Boolean(req?.isSetSupported("Mailbox", version));
    } catch {
      return false;
    }
  };
  return { customizeDialog: has("1.14"), markdown: has("1.15") };
}

export function composeItem(): Office.MessageCompose {
  return Office.context.mailbox.item as unknown as Office.MessageCompose;
}

const contentTypes: Record<string, string> = {
  pdf: "application/pdf",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  txt: "text/plain",
  csv: "text/csv",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  heic: "image/heic",
  zip: "application/zip",
  eml: "message/rfc822",
};

/** Compose-mode attachment details carry no content type: infer it from the extension. */
export function contentTypeFor(name: string): string {
  const dot = name.lastIndexOf(".");
  const ext = dot >= 0 ? name.slice(dot + 1).toLowerCase() : "";
  return contentTypes[ext] ?? "application/octet-stream";
}

function toRecipients(list: Office.EmailAddressDetails[] | null | undefined): DraftRecipient[] {
  return (list ?? [])
    .filter((r) => r && typeof r.emailAddress === "string" && r.emailAddress.length > 0)
    .map((r) =>
      r.displayName && r.displayName !== r.emailAddress
        ? { address: r.emailAddress, name: r.displayName }
        : { address: r.emailAddress },
    );
}

export async function readRecipients(
  item: Office.MessageCompose,
): Promise<Record<RecipientField, DraftRecipient[]>> {
  const [to, cc, bcc] = await Promise.all([
    officeCall<Office.EmailAddressDetails[]>("to.getAsync", (cb) => item.to.getAsync(cb)),
    officeCall<Office.EmailAddressDetails[]>("cc.getAsync", (cb) => item.cc.getAsync(cb)),
    officeCall<Office.EmailAddressDetails[]>("bcc.getAsync", (cb) => item.bcc.getAsync(cb)),
  ]);
  return { to: toRecipients(to), cc: toRecipients(cc), bcc: toRecipients(bcc) };
}

async function readSender(item: Office.MessageCompose): Promise<string> {
  if (item.from && typeof item.from.getAsync === "function") {
    const from = await officeCall<Office.EmailAddressDetails>("from.getAsync", (cb) =>
      item.from.getAsync(cb),
    );
    if (from?.emailAddress) return from.emailAddress;
  }
  return Office.context.mailbox.userProfile?.emailAddress ?? "";
}

async function readComposeType(item: Office.MessageCompose): Promise<string | null> {
  if (typeof item.getComposeTypeAsync !== "function") return null;
  const value = await officeCall<{ composeType?: string }>("getComposeTypeAsync", (cb) =>
    item.getComposeTypeAsync(cb),
  );
  return value?.composeType ?? null;
}

async function readAttachments(item: Office.MessageCompose): Promise<DraftAttachment[]> {
  if (typeof item.getAttachmentsAsync !== "function") return [];
  const list = await officeCall<Office.AttachmentDetailsCompose[]>("getAttachmentsAsync", (cb) =>
    item.getAttachmentsAsync(cb),
  );
  const out: DraftAttachment[] = [];
  for (const a of list ?? []) {
    const kind = String(a.attachmentType).toLowerCase();
    const entry: DraftAttachment = {
      name: a.name,
      size: a.size ?? 0,
      contentType: contentTypeFor(a.name),
      kind,
    };
    // The check reads the text of files Outlook hands over (getAttachmentContentAsync) within the limit;
    // a file over it is sent without content and the check treats it as unreadable.
    if (
      kind === "file" &&
      (a.size ?? 0) <= MAX_CHECKED_ATTACHMENT_BYTES &&
      typeof item.getAttachmentContentAsync === "function"
    ) {
      try {
        const content = await officeCall<Office.AttachmentContent>("getAttachmentContentAsync", (cb) =>
          item.getAttachmentContentAsync(a.id, cb),
        );
        if (String(content.format).toLowerCase() === "base64") entry.contentBase64 = content.content;
      } catch {
        // Unreadable here means unreadable for the check: the server then requires secure delivery.
      }
    }
    out.push(entry);
  }
  return out;
}

/** Attachments larger than this are checked by name only (and count as unreadable). */
const MAX_CHECKED_ATTACHMENT_BYTES = 4 * 1024 * 1024;

/** Reads everything the check needs. Reads run in parallel: this is on the Send path. */
export async function readDraft(
  item: Office.MessageCompose,
  client: { name: string; version: string },
): Promise<Draft> {
  const [subject, body, recipients, from, composeType, attachments] = await Promise.all([
    officeCall<string>("subject.getAsync", (cb) => item.subject.getAsync(cb)),
    officeCall<string>("body.getAsync", (cb) => item.body.getAsync(Office.CoercionType.Html, cb)),
    readRecipients(item),
    readSender(item),
    readComposeType(item),
    readAttachments(item),
  ]);
  const inReplyTo = (item as unknown as { inReplyTo?: string | null }).inReplyTo ?? undefined;
  const draft: Draft = {
    from,
    subject: subject ?? "",
    body: body ?? "",
    bodyFormat: "html",
    ...recipients,
    attachments,
    isReply: composeType === "reply" || Boolean(inReplyTo),
    client,
  };
  if (inReplyTo) draft.inReplyTo = inReplyTo;
  return draft;
}

function toOfficeRecipients(list: DraftRecipient[]): Office.EmailAddressDetails[] {
  return list.map(
    (r) =>
      ({
        emailAddress: r.address,
        displayName: r.name ?? r.address,
      }) as Office.EmailAddressDetails,
  );
}

/** Executes a recipient plan in order (see recipients.ts for why the order matters). */
export async function applyRecipientOps(
  item: Office.MessageCompose,
  ops: readonly RecipientOp[],
): Promise<void> {
  for (const op of ops) {
    const target = item[op.field];
    const recipients = toOfficeRecipients(op.recipients);
    if (op.op === "set") {
      await officeCall<void>(`${op.field}.setAsync`, (cb) => target.setAsync(recipients, cb));
    } else {
      await officeCall<void>(`${op.field}.addAsync`, (cb) => target.addAsync(recipients, cb));
    }
  }
}

export async function readSession(item: Office.MessageCompose, key: string): Promise<string | null> {
  const session = (item as unknown as { sessionData?: Office.SessionData }).sessionData;
  if (!session || typeof session.getAsync !== "function") return null;
  try {
    return await officeCall<string>(`sessionData.getAsync`, (cb) => session.getAsync(key, cb));
  } catch {
    // A missing key is reported as a failure by Outlook: treat it as absent.
    return null;
  }
}

export async function writeSession(item: Office.MessageCompose, key: string, value: string): Promise<void> {
  const session = (item as unknown as { sessionData?: Office.SessionData }).sessionData;
  if (!session || typeof session.setAsync !== "function")
    throw new OfficeCallError("sessionData.setAsync", "unsupported");
  await officeCall<void>("sessionData.setAsync", (cb) => session.setAsync(key, value, cb));
}
