import { ActionDenied, ApprovalTimeout, WardenError, WardenUnavailable } from "./errors.ts";
import type { ActionAnswer, ActionRequest, Flag, WardenOptions, WhoAmI } from "./types.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function isAnswer(v: unknown): v is ActionAnswer {
  const a = v as ActionAnswer;
  return Boolean(a) && typeof a.id === "string" && ["allow", "deny", "pending"].includes(a.decision) && Array.isArray(a.reasons);
}

function jsonable(v: unknown): unknown {
  try {
    return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * The agent side of Warden. Every failure to get a clear "allow" — denial, human rejection,
 * timeout, network error, malformed answer — means the action does not run.
 */
export class Warden {
  private readonly url: string;
  private readonly timeoutMs: number;
  private readonly waitSeconds: number;
  private readonly maxWaitMs: number;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly opts: WardenOptions) {
    if (!opts.url || !opts.apiKey) throw new Error("Warden needs url and apiKey");
    this.url = opts.url.replace(/\/$/, "");
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.waitSeconds = Math.min(60, Math.max(0, opts.waitSeconds ?? 60));
    this.maxWaitMs = opts.maxWaitMs ?? 24 * 3600 * 1000;
    this.fetchFn = opts.fetch ?? fetch;
  }

  private async request<T>(method: string, path: string, body: unknown, waitSeconds = 0, check?: (v: unknown) => v is T): Promise<T> {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), this.timeoutMs + waitSeconds * 1000);
    let res: Response;
    try {
      res = await this.fetchFn(`${this.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.opts.apiKey}`, "content-type": "application/json", "user-agent": "warden-sdk/0.1" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctrl.signal,
      });
    } catch (err) {
      throw new WardenUnavailable(ctrl.signal.aborted ? `Warden did not answer within ${this.timeoutMs + waitSeconds * 1000} ms` : `Warden is unreachable: ${(err as Error).message}`, err);
    } finally {
      clearTimeout(timer);
    }
    let parsed: unknown;
    try {
      parsed = await res.json();
    } catch (err) {
      throw new WardenUnavailable(`Warden answered ${res.status} with a body that is not JSON`, err);
    }
    if (!res.ok) {
      const e = (parsed as { error?: { code?: string; message?: string } })?.error;
      throw new WardenError(e?.code ?? "http_error", res.status, e?.message ?? `HTTP ${res.status}`);
    }
    if (check && !check(parsed)) throw new WardenUnavailable("Warden's answer is not what the API promises");
    return parsed as T;
  }

  /** Asks once; `wait` > 0 long-polls while a human decides. Retries network errors and 5xx with the same idempotency key. */
  async ask(req: ActionRequest & { wait?: number }): Promise<ActionAnswer> {
    const body = { ...req, idempotencyKey: req.idempotencyKey ?? crypto.randomUUID() };
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.request("POST", "/v1/actions", body, req.wait ?? 0, isAnswer);
      } catch (err) {
        const retriable = err instanceof WardenUnavailable || (err instanceof WardenError && err.status >= 500);
        if (!retriable || attempt >= 2) throw err;
        await sleep(200 * 2 ** attempt);
      }
    }
  }

  /** The current answer for an action; long-polls up to `wait` seconds while pending. */
  get(actionId: string, wait = 0): Promise<ActionAnswer> {
    return this.request("GET", `/v1/actions/${encodeURIComponent(actionId)}?wait=${wait}`, undefined, wait, isAnswer);
  }

  whoami(): Promise<WhoAmI> {
    return this.request("GET", "/v1/agent", undefined);
  }

  /** Reports what happened after an allowed action; answers with post-check flags. */
  async report(actionId: string, result: { status: "succeeded" | "failed"; output?: unknown; error?: string }): Promise<{ id: string; flags: Flag[] }> {
    return this.request("POST", `/v1/actions/${encodeURIComponent(actionId)}/result`, result);
  }

  /**
   * Asks, waits for a human when needed, runs `fn` only when allowed, reports the outcome,
   * and returns fn's value. Throws ActionDenied / ApprovalTimeout / WardenUnavailable
   * without running fn otherwise; rethrows fn's own error after reporting it.
   */
  async guard<T>(req: ActionRequest, fn: () => Promise<T> | T): Promise<{ value: T; action: ActionAnswer; flags: Flag[] }> {
    const deadline = Date.now() + this.maxWaitMs;
    let answer = await this.ask({ ...req, wait: this.waitSeconds });
    while (answer.decision === "pending") {
      const left = deadline - Date.now();
      if (left <= 0) throw new ApprovalTimeout(answer.id);
      answer = await this.get(answer.id, Math.max(1, Math.min(this.waitSeconds, Math.ceil(left / 1000))));
    }
    if (answer.decision !== "allow") throw new ActionDenied(answer.id, answer.status, answer.reasons);
    let value: T;
    try {
      value = await fn();
    } catch (err) {
      await this.reportSafely(answer.id, { status: "failed", error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
    const output = jsonable(value);
    const flags = await this.reportSafely(answer.id, output === undefined ? { status: "succeeded" } : { status: "succeeded", output });
    return { value, action: answer, flags };
  }

  // The action already ran: losing its report must not lose its value.
  private async reportSafely(actionId: string, result: { status: "succeeded" | "failed"; output?: unknown; error?: string }): Promise<Flag[]> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        return (await this.report(actionId, result)).flags;
      } catch (err) {
        if (err instanceof WardenError && err.status < 500) {
          if (err.code === "result_already_reported") return [];
          (this.opts.onResultReportError ?? ((e) => console.warn(`[warden] could not report the result of ${actionId}:`, e)))(err, actionId);
          return [];
        }
        if (attempt === 2) {
          (this.opts.onResultReportError ?? ((e) => console.warn(`[warden] could not report the result of ${actionId}:`, e)))(err, actionId);
          return [];
        }
        await sleep(200 * 2 ** attempt);
      }
    }
    return [];
  }
}
