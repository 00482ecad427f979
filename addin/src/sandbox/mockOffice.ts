// An Outlook compose item and Office namespace built on office-addin-mock's OfficeMockObject,
// backed by the sandbox's ComposeModel. It behaves like Outlook where the add-in depends on it:
// async callbacks with AsyncResultStatus, a 100-recipient limit per set/add call, sessionData
// that reports a missing key as a failure, sendAsync that goes through OnMessageSend.
import { OfficeMockObject } from "office-addin-mock";
import type { DraftRecipient } from "../shared/contract";
import type { ComposeModel } from "./compose";
import { htmlToText } from "../taskpane/evidence";

const SUCCEEDED = "succeeded";
const FAILED = "failed";

interface Result<T> {
  status: string;
  value: T;
  error?: { code: string | number; name: string; message: string };
  asyncContext?: unknown;
}

type Cb<T> = ((r: Result<T>) => void) | undefined;

/** Office passes options before the callback in many signatures: find the callback. */
function callbackOf<T>(args: unknown[]): Cb<T> {
  return args.find((a) => typeof a === "function") as Cb<T>;
}

function ok<T>(cb: Cb<T>, value: T): void {
  setTimeout(() => cb?.({ status: SUCCEEDED, value }), 0);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function fail(cb: Cb<any>, code: string): void {
  setTimeout(() => cb?.({ status: FAILED, value: undefined, error: { code, name: code, message: code } }), 0);
}

const RECIPIENT_LIMIT = 100;

function fromOffice(list: unknown): DraftRecipient[] {
  return (Array.isArray(list) ? list : []).map((r: unknown) => {
    if (typeof r === "string") return { address: r };
    const o = r as { emailAddress?: string; displayName?: string };
    const address = String(o.emailAddress ?? "");
    return o.displayName && o.displayName !== address ? { address, name: o.displayName } : { address };
  });
}

function toOffice(
  list: readonly DraftRecipient[],
): { emailAddress: string; displayName: string; recipientType: string }[] {
  return list.map((r) => ({
    emailAddress: r.address,
    displayName: r.name ?? r.address,
    recipientType: r.address.endsWith(".med") ? "user" : "externalUser",
  }));
}

export interface MockOptions {
  displayLanguage: string;
  /** Highest Mailbox requirement set to report as supported. */
  mailboxVersion: string;
  /** Called by item.sendAsync: runs the sandbox's Send (with the launch event). */
  send(): Promise<boolean>;
}

function versionAtMost(wanted: string, max: string): boolean {
  const [wa = 0, wb = 0] = wanted.split(".").map(Number);
  const [ma = 0, mb = 0] = max.split(".").map(Number);
  return wa < ma || (wa === ma && wb <= mb);
}

export function createMockOffice(model: ComposeModel, options: MockOptions) {
  const associations = new Map<string, (event: unknown) => unknown>();
  const recipientHandlers = new Set<() => void>();
  model.onChange((_origin, what) => {
    if (what === "to" || what === "cc" || what === "bcc" || what === "all")
      for (const h of recipientHandlers) h();
  });

  const recipientsApi = (field: "to" | "cc" | "bcc") => ({
    getAsync: (...args: unknown[]) => ok(callbackOf(args), toOffice(model.state[field])),
    setAsync: (list: unknown, ...args: unknown[]) => {
      const cb = callbackOf<void>(args);
      const next = fromOffice(list);
      if (next.length > RECIPIENT_LIMIT) return fail(cb, "NumberOfRecipientsExceeded");
      model.update("addin", field, { [field]: next });
      ok(cb, undefined);
    },
    addAsync: (list: unknown, ...args: unknown[]) => {
      const cb = callbackOf<void>(args);
      const more = fromOffice(list);
      if (more.length > RECIPIENT_LIMIT) return fail(cb, "NumberOfRecipientsExceeded");
      model.update("addin", field, { [field]: [...model.state[field], ...more] });
      ok(cb, undefined);
    },
  });

  const item = {
    itemType: "message",
    conversationId: "sandbox-conversation",
    subject: {
      getAsync: (...args: unknown[]) => ok(callbackOf(args), model.state.subject),
      setAsync: (value: string, ...args: unknown[]) => {
        model.update("addin", "subject", { subject: String(value) });
        ok(callbackOf(args), undefined);
      },
    },
    body: {
      getAsync: (coercion: string, ...args: unknown[]) =>
        ok(callbackOf(args), coercion === "text" ? htmlToText(model.state.bodyHtml) : model.state.bodyHtml),
      setAsync: (value: string, ...args: unknown[]) => {
        const opts = args.find((a) => typeof a === "object" && a !== null) as
          { coercionType?: string } | undefined;
        const html =
          opts?.coercionType === "text"
            ? `<p>${String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;")}</p>`
            : String(value);
        model.update("addin", "body", { bodyHtml: html });
        ok(callbackOf(args), undefined);
      },
      getTypeAsync: (...args: unknown[]) => ok(callbackOf(args), "html"),
    },
    to: recipientsApi("to"),
    cc: recipientsApi("cc"),
    bcc: recipientsApi("bcc"),
    from: {
      getAsync: (...args: unknown[]) =>
        ok(callbackOf(args), {
          emailAddress: model.state.from.address,
          displayName: model.state.from.name ?? "",
        }),
    },
    getComposeTypeAsync: (...args: unknown[]) =>
      ok(callbackOf(args), { composeType: "newMail", coercionType: "html" }),
    getAttachmentsAsync: (...args: unknown[]) =>
      ok(
        callbackOf(args),
        model.state.attachments.map((a) => ({
          id: a.id,
          name: a.name,
          size: a.size,
          attachmentType: a.kind ?? "file",
          isInline: false,
        })),
      ),
    getAttachmentContentAsync: (id: string, ...args: unknown[]) => {
      const a = model.state.attachments.find((x) => x.id === id);
      if (!a) return fail(callbackOf(args), "InvalidAttachmentId");
      // Outlook hands a cloud attachment over as its URL, never as bytes.
      if (a.kind === "cloud") return ok(callbackOf(args), { format: "url", content: a.contentBase64 });
      ok(callbackOf(args), { format: "base64", content: a.contentBase64 });
    },
    removeAttachmentAsync: (id: string, ...args: unknown[]) => {
      if (!model.state.attachments.some((x) => x.id === id))
        return fail(callbackOf(args), "InvalidAttachmentId");
      model.update("addin", "attachments", {
        attachments: model.state.attachments.filter((x) => x.id !== id),
      });
      ok(callbackOf(args), undefined);
    },
    sessionData: {
      getAsync: (key: string, ...args: unknown[]) => {
        const value = model.session.get(key);
        if (value === undefined) return fail(callbackOf(args), "KeyNotFound");
        ok(callbackOf(args), value);
      },
      setAsync: (key: string, value: string, ...args: unknown[]) => {
        model.session.set(key, String(value));
        ok(callbackOf(args), undefined);
      },
      removeAsync: (key: string, ...args: unknown[]) => {
        model.session.delete(key);
        ok(callbackOf(args), undefined);
      },
      getAllAsync: (...args: unknown[]) =>
        ok(callbackOf(args), JSON.stringify(Object.fromEntries(model.session))),
      clearAsync: (...args: unknown[]) => {
        model.session.clear();
        ok(callbackOf(args), undefined);
      },
    },
    addHandlerAsync: (type: string, handler: () => void, ...args: unknown[]) => {
      if (type === "olkRecipientsChanged") recipientHandlers.add(handler);
      ok(callbackOf(args), undefined);
    },
    sendAsync: (...args: unknown[]) => {
      const cb = callbackOf<void>(args);
      options.send().then(
        (sent) => (sent ? ok(cb, undefined) : fail(cb, "SendCancelled")),
        () => fail(cb, "SendFailed"),
      );
    },
  };

  const office = new OfficeMockObject(
    {
      host: "outlook",
      context: {
        displayLanguage: options.displayLanguage,
        requirements: {
          isSetSupported: (name: string, version?: string) =>
            name === "Mailbox" && versionAtMost(version ?? "1.1", options.mailboxVersion),
        },
        mailbox: {
          userProfile: { emailAddress: model.state.from.address, displayName: model.state.from.name ?? "" },
          item,
        },
      },
      AsyncResultStatus: { Succeeded: SUCCEEDED, Failed: FAILED },
      CoercionType: { Html: "html", Text: "text" },
      EventType: { RecipientsChanged: "olkRecipientsChanged" },
      MailboxEnums: { SendModeOverride: { PromptUser: "promptUser" } },
      actions: { associate: (name: string, fn: (event: unknown) => unknown) => associations.set(name, fn) },
      onReady: (cb?: () => void) => {
        cb?.();
        return Promise.resolve({ host: "Outlook", platform: "OfficeOnline" });
      },
    },
    "outlook" as never,
  );

  return { office, associations };
}
