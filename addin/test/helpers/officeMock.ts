// An Outlook compose item for Node tests, built with office-addin-mock's OfficeMockObject.
// `state` is mutable so each test sets the draft it needs; `failures` makes chosen calls report
// AsyncResultStatus.Failed the way Outlook does.
import { OfficeMockObject } from "office-addin-mock";

export interface MockState {
  subject: string;
  bodyHtml: string;
  to: { emailAddress: string; displayName: string }[];
  cc: { emailAddress: string; displayName: string }[];
  bcc: { emailAddress: string; displayName: string }[];
  from: string;
  composeType: string;
  attachments: { id: string; name: string; size: number; attachmentType: string }[];
  session: Map<string, string>;
  failures: Set<string>;
  displayLanguage: string;
  mailboxVersion: number;
}

export function freshState(): MockState {
  return {
    subject: "",
    bodyHtml: "",
    to: [],
    cc: [],
    bcc: [],
    from: "dre.tremblay@cliniquedemo.med",
    composeType: "newMail",
    attachments: [],
    session: new Map(),
    failures: new Set(),
    displayLanguage: "en-CA",
    mailboxVersion: 1.15,
  };
}

type Cb = (r: {
  status: string;
  value?: unknown;
  error?: { code: number; name: string; message: string };
}) => void;

function cbOf(args: unknown[]): Cb {
  return args.find((a) => typeof a === "function") as Cb;
}

export function createOfficeMock(getState: () => MockState) {
  const associations = new Map<string, (event: unknown) => unknown>();
  const answer = (op: string, args: unknown[], value: () => unknown): void => {
    const cb = cbOf(args);
    if (getState().failures.has(op)) {
      cb({ status: "failed", error: { code: 9002, name: "InternalServerError", message: "failed" } });
    } else {
      cb({ status: "succeeded", value: value() });
    }
  };
  // Outlook refuses more than 100 recipients in one setAsync/addAsync call.
  const tooMany = (list: unknown[], args: unknown[]): boolean => {
    if (list.length <= 100) return false;
    cbOf(args)({ status: "failed", error: { code: 9041, name: "NumberOfRecipientsExceeded", message: "" } });
    return true;
  };
  const recipients = (field: "to" | "cc" | "bcc") => ({
    getAsync: (...args: unknown[]) => answer(`${field}.getAsync`, args, () => getState()[field]),
    setAsync: (list: MockState["to"], ...args: unknown[]) =>
      tooMany(list, args) ||
      answer(`${field}.setAsync`, args, () => {
        getState()[field] = [...list];
      }),
    addAsync: (list: MockState["to"], ...args: unknown[]) =>
      tooMany(list, args) ||
      answer(`${field}.addAsync`, args, () => {
        getState()[field] = [...getState()[field], ...list];
      }),
  });
  const office = new OfficeMockObject(
    {
      host: "outlook",
      context: {
        displayLanguage: "en-CA",
        requirements: {
          isSetSupported: (_name: string, v: string) => Number(v) <= getState().mailboxVersion,
        },
        mailbox: {
          userProfile: { emailAddress: "dre.tremblay@cliniquedemo.med", displayName: "Dre Tremblay" },
          item: {
            subject: {
              getAsync: (...a: unknown[]) => answer("subject.getAsync", a, () => getState().subject),
            },
            body: {
              getAsync: (_c: string, ...a: unknown[]) =>
                answer("body.getAsync", a, () => getState().bodyHtml),
            },
            to: recipients("to"),
            cc: recipients("cc"),
            bcc: recipients("bcc"),
            from: {
              getAsync: (...a: unknown[]) =>
                answer("from.getAsync", a, () => ({ emailAddress: getState().from, displayName: "" })),
            },
            getComposeTypeAsync: (...a: unknown[]) =>
              answer("getComposeTypeAsync", a, () => ({ composeType: getState().composeType })),
            getAttachmentsAsync: (...a: unknown[]) =>
              answer("getAttachmentsAsync", a, () => getState().attachments),
            sessionData: {
              getAsync: (key: string, ...a: unknown[]) => {
                const v = getState().session.get(key);
                if (v === undefined)
                  return cbOf(a)({
                    status: "failed",
                    error: { code: 9057, name: "KeyNotFound", message: "" },
                  });
                answer("sessionData.getAsync", a, () => v);
              },
              setAsync: (key: string, value: string, ...a: unknown[]) =>
                answer("sessionData.setAsync", a, () => getState().session.set(key, value)),
            },
          },
        },
      },
      AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
      CoercionType: { Html: "html", Text: "text" },
      EventType: { RecipientsChanged: "olkRecipientsChanged" },
      MailboxEnums: { SendModeOverride: { PromptUser: "promptUser" } },
      actions: { associate: (name: string, fn: (event: unknown) => unknown) => associations.set(name, fn) },
    },
    "outlook" as never,
  );
  // OfficeMockObject copies values when it is built; the language must follow each test's state.
  Object.defineProperty((office as unknown as { context: object }).context, "displayLanguage", {
    get: () => getState().displayLanguage,
  });
  return { office, associations };
}
