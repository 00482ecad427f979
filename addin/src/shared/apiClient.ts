// HTTP calls to the ClinicMail API with a time budget. Errors carry a FailureKind so the
// failure policy can decide; they never carry message content, addresses or tokens.
import type {
  CheckResult,
  Draft,
  Language,
  OverrideRequest,
  OverrideResult,
  ProblemDetails,
  SecureMessageRequest,
  SecureMessageResult,
} from "./contract";
import type { FailureKind } from "./failurePolicy";
import { failureKindForStatus } from "./failurePolicy";

export class ApiError extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly status: number | null,
    readonly problem: ProblemDetails | null,
  ) {
    super(`ClinicMail API call failed: ${kind}${status ? ` (HTTP ${status})` : ""}`);
    this.name = "ApiError";
  }
}

export interface CallOptions {
  token: string;
  lang: Language;
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}

async function readProblem(response: Response): Promise<ProblemDetails | null> {
  try {
    const type = response.headers.get("content-type") ?? "";
    if (!type.includes("json")) return null;
    return (await response.json()) as ProblemDetails;
  } catch {
    return null;
  }
}

/**
 * POSTs JSON and resolves with the parsed body. Rejects with ApiError("timeout") when no answer
 * arrives within `timeoutMs` — the request is aborted where AbortController exists, and the
 * promise races a timer regardless, because Outlook's JavaScript-only runtime is not a browser.
 */
export async function postJson<T>(url: string, body: unknown, options: CallOptions): Promise<T> {
  const fetchImpl = options.fetchImpl ?? fetch;
  const controller = typeof AbortController === "function" ? new AbortController() : null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller?.abort();
      reject(new ApiError("timeout", null, null));
    }, options.timeoutMs);
  });
  // The backend records the client's name and version in the audit log from this header.
  const client = (body as { client?: { name?: string; version?: string } } | null)?.client;
  const clientHeader: Record<string, string> = client?.name
    ? { "X-ClinicMail-Client": `${client.name}/${client.version ?? "unknown"}` }
    : {};
  try {
    const request = fetchImpl(url, {
      method: "POST",
      headers: {
        ...clientHeader,
        "Content-Type": "application/json",
        Accept: "application/json, application/problem+json",
        "Accept-Language": options.lang === "fr" ? "fr-CA, fr;q=0.9, en;q=0.5" : "en-CA, en;q=0.9, fr;q=0.5",
        Authorization: `Bearer ${options.token}`,
      },
      body: JSON.stringify(body),
      signal: controller?.signal ?? null,
    }).then(
      async (response) => {
        if (!response.ok)
          throw new ApiError(
            failureKindForStatus(response.status),
            response.status,
            await readProblem(response),
          );
        try {
          return (await response.json()) as T;
        } catch {
          // A 2xx without a JSON body is a broken server, not a reason to let mail through.
          throw new ApiError("server", response.status, null);
        }
      },
      (error: unknown) => {
        if (error instanceof ApiError) throw error;
        const aborted = error instanceof Error && error.name === "AbortError";
        throw new ApiError(aborted ? "timeout" : "network", null, null);
      },
    );
    return await Promise.race([request, timeout]);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

export function checkDraft(apiBase: string, draft: Draft, options: CallOptions): Promise<CheckResult> {
  return postJson<CheckResult>(`${apiBase}/api/v1/check`, draft, options).then((result) => {
    if (
      !result ||
      typeof result.checkId !== "string" ||
      !["allow", "warn", "block"].includes(result.decision)
    ) {
      // Fail closed on a response that does not follow the contract.
      throw new ApiError("server", 200, null);
    }
    return {
      ...result,
      topics: result.topics ?? [],
      identifiers: result.identifiers ?? [],
      recipients: result.recipients ?? [],
      reasons: result.reasons ?? [],
      fixes: result.fixes ?? [],
      etiquette: result.etiquette ?? [],
    };
  });
}

export function recordOverride(
  apiBase: string,
  checkId: string,
  request: OverrideRequest,
  options: CallOptions,
): Promise<OverrideResult> {
  return postJson<OverrideResult>(
    `${apiBase}/api/v1/checks/${encodeURIComponent(checkId)}/override`,
    request,
    options,
  );
}

export function createSecureMessage(
  apiBase: string,
  request: SecureMessageRequest,
  options: CallOptions,
): Promise<SecureMessageResult> {
  return postJson<SecureMessageResult>(`${apiBase}/api/v1/secure-messages`, request, options);
}
