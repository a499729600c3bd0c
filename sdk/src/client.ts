import { parseActionAnswer, parseRelease, parseResultAnswer, parseWhoAmI } from "./answers.ts";
import { ActionDenied, ApprovalTimeout, WardenError, WardenUnavailable } from "./errors.ts";
import { KnowledgeReader } from "./knowledge.ts";
import { fetchReceiptKeys, inputHash, verifyReceipt, type ReceiptKeys } from "./receipts.ts";
import type {
  ActionAnswer,
  ActionRequest,
  AskRequest,
  Flag,
  GuardOptions,
  GuardResult,
  Release,
  ResultAnswer,
  ResultReport,
  ResultReportFailure,
  WardenOptions,
  WhoAmI,
} from "./types.ts";

const USER_AGENT = "warden-sdk/0.1";
const MAX_WAIT_SECONDS = 60; // the API's cap on long-polls
const DEFAULT_RETRIES = 2;
const DEFAULT_RETRY_BUDGET_MS = 10_000;
const REPORT_ATTEMPTS = 4;
const MAX_ERROR_CHARS = 4000; // the API's cap on a reported error
const MAX_OUTPUT_BYTES = 64 * 1024; // the API's cap on a reported output
const EXPIRY_GRACE_MS = 60_000;
const DEFAULT_MAX_WAIT_MS = 24 * 3600_000;
const MAX_RELEASE_ENTRIES = 10_000;
const MAX_UNKNOWN_KIDS = 100; // key ids the receipt keys were refetched for (each once)

type Call<T> = {
  method: "GET" | "POST";
  path: string;
  body?: unknown;
  waitSeconds?: number;
  signal?: AbortSignal;
  parse: (body: unknown, httpStatus: number) => T;
};

/**
 * The agent side of Warden. Anything short of a clear "allow" — a denial, a human's rejection,
 * no decision in time, Warden unreachable or answering nonsense — means the action does not run.
 */
export class Warden {
  readonly url: string;
  readonly #apiKey: string; // a private field: never shown by console.log or JSON.stringify
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #waitSeconds: number;
  readonly #maxWaitMs: number | undefined;
  readonly #maxRetries: number;
  readonly #retryBudgetMs: number;
  readonly #onResultReportError: NonNullable<WardenOptions["onResultReportError"]>;
  readonly #version: string | undefined;
  readonly #releaseCacheMs: number;
  readonly #releases = new Map<string, { release: Release; etag: string | null; at: number }>();
  readonly #knowledge = new Map<string, KnowledgeReader>();
  readonly #receipts: { pinned: ReceiptKeys | null } | null;
  #receiptKeys: Promise<ReceiptKeys> | null = null;
  readonly #refetchedFor = new Set<string>();

  constructor(options: WardenOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new TypeError(`Warden: url must be an absolute http(s) URL, got ${JSON.stringify(options.url)}`);
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") throw new TypeError("Warden: url must be http(s)");
    if (typeof options.apiKey !== "string" || options.apiKey.trim() === "") throw new TypeError("Warden: apiKey is required");
    this.url = base.href.replace(/\/+$/, "");
    this.#apiKey = options.apiKey.trim();
    const f = options.fetch;
    this.#fetch = f ? (input, init) => f(input, init) : (input, init) => globalThis.fetch(input, init);
    this.#timeoutMs = positive(options.timeoutMs, "timeoutMs") ?? 5000;
    this.#waitSeconds = clampWait(options.waitSeconds ?? MAX_WAIT_SECONDS);
    this.#maxWaitMs = options.maxWaitMs === undefined ? undefined : Math.max(0, positive(options.maxWaitMs, "maxWaitMs", true) ?? 0);
    this.#maxRetries = Math.floor(positive(options.maxRetries, "maxRetries", true) ?? DEFAULT_RETRIES);
    this.#retryBudgetMs = positive(options.retryBudgetMs, "retryBudgetMs", true) ?? DEFAULT_RETRY_BUDGET_MS;
    this.#onResultReportError = options.onResultReportError ?? warnReportFailure;
    this.#version = options.version;
    this.#releaseCacheMs = positive(options.releaseCacheMs, "releaseCacheMs", true) ?? 5000;
    const v = options.verifyReceipts;
    if (v !== undefined && typeof v !== "boolean" && (typeof v !== "object" || v === null || typeof v.keys !== "object" || v.keys === null)) {
      throw new TypeError("Warden: verifyReceipts must be true, false or { keys }");
    }
    this.#receipts = v ? { pinned: typeof v === "object" ? v.keys : null } : null;
  }

  /**
   * Which version to run for a routing key (a customer, session, order or SKU id) and its
   * configuration (`GET /v1/agent/release`). Sticky: the same key gets the same version for a
   * rollout step on every Warden instance. Answers are reused for `releaseCacheMs` (5 s), then
   * revalidated with their ETag (a 304 costs no body). Network errors and 5xx are retried; when
   * Warden stays unreachable a cached answer is served rather than none.
   */
  async release(key: string, options: { signal?: AbortSignal } = {}): Promise<Release> {
    if (typeof key !== "string" || key === "" || key.length > 256) throw new TypeError("Warden: release(key) takes a routing key of 1–256 characters");
    const cached = this.#releases.get(key);
    if (cached && Date.now() - cached.at < this.#releaseCacheMs) return cached.release;
    try {
      const fresh = await this.#withRetries(() => this.#fetchRelease(key, cached?.etag ?? null, options.signal), options.signal);
      const entry = fresh ?? { release: cached!.release, etag: cached!.etag };
      if (!this.#releases.has(key) && this.#releases.size >= MAX_RELEASE_ENTRIES) this.#releases.delete(this.#releases.keys().next().value!);
      this.#releases.set(key, { ...entry, at: Date.now() });
      return entry.release;
    } catch (err) {
      if (cached && err instanceof WardenUnavailable) return cached.release;
      throw err;
    }
  }

  /** One GET of the release; null when the server says our copy (If-None-Match) is current. */
  async #fetchRelease(key: string, etag: string | null, signal?: AbortSignal): Promise<{ release: Release; etag: string | null } | null> {
    const path = `/v1/agent/release?key=${encodeURIComponent(key)}`;
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), this.#timeoutMs);
    const stop = () => ctrl.abort();
    signal?.addEventListener("abort", stop, { once: true });
    try {
      let res: Response;
      let text: string;
      try {
        res = await this.#fetch(this.url + path, {
          method: "GET",
          headers: { authorization: `Bearer ${this.#apiKey}`, accept: "application/json", "user-agent": USER_AGENT, ...(etag ? { "if-none-match": etag } : {}) },
          signal: ctrl.signal,
        });
        text = await res.text();
      } catch (err) {
        if (signal?.aborted) throw signal.reason;
        if (ctrl.signal.aborted) throw new WardenUnavailable(`Warden did not answer GET ${path} within ${this.#timeoutMs} ms`, { code: "timeout", cause: err });
        throw new WardenUnavailable(`Warden is unreachable at ${this.url}: ${errorText(err)}`, { code: "network_error", cause: err });
      }
      if (res.status === 304 && etag) return null;
      let body: unknown;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        if (!res.ok) throw errorFromResponse(res.status, undefined, retryAfterMs(res.headers.get("retry-after")));
        throw new WardenUnavailable(`Warden answered ${res.status} with a body that is not JSON`, { code: "malformed_response", status: res.status });
      }
      if (!res.ok) throw errorFromResponse(res.status, body, retryAfterMs(res.headers.get("retry-after")));
      return { release: parseRelease(body, res.status), etag: res.headers.get("etag") };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", stop);
    }
  }

  /** The version an action runs under: its own, its release key's, or the client's. */
  async #versionFor(request: ActionRequest, signal?: AbortSignal): Promise<string | undefined> {
    if (request.version !== undefined) return request.version;
    if (request.releaseKey !== undefined) return (await this.release(request.releaseKey, { signal })).version ?? this.#version;
    return this.#version;
  }

  /**
   * Asks once whether the action may happen (`POST /v1/actions`). With `wait` > 0 the server
   * holds the request while a human decides. Network errors, 5xx (`503 unavailable` when Warden
   * can't reach its database) and 429 are retried — `maxRetries` times within `retryBudgetMs`,
   * after the server's Retry-After — with the same idempotency key (generated when absent), so
   * the action is recorded once; past that, `WardenUnavailable` (the action must not run).
   */
  async ask(request: AskRequest, options: { signal?: AbortSignal } = {}): Promise<ActionAnswer> {
    const wait = clampWait(request.wait ?? 0);
    const version = await this.#versionFor(request, options.signal);
    const body = actionBody({ ...request, version }, request.idempotencyKey ?? newKey(), wait);
    const answer = await this.#withRetries(
      () => this.#request({ method: "POST", path: "/v1/actions", body, waitSeconds: wait, signal: options.signal, parse: (v, s) => parseActionAnswer(v, s) }),
      options.signal,
    );
    if (this.#receipts) await this.#checkReceipt(answer, request);
    return answer;
  }

  /** The current answer for one of this agent's actions; `wait` (0..60 s) long-polls while pending. */
  async getAction(actionId: string, options: { wait?: number; signal?: AbortSignal } = {}): Promise<ActionAnswer> {
    const wait = clampWait(options.wait ?? 0);
    const answer = await this.#request({
      method: "GET",
      path: `/v1/actions/${encodeURIComponent(actionId)}?wait=${wait}`,
      waitSeconds: wait,
      signal: options.signal,
      parse: (v, s) => parseActionAnswer(v, s, actionId),
    });
    if (this.#receipts) await this.#checkReceipt(answer);
    return answer;
  }

  /**
   * With `verifyReceipts`: the answer's receipt must verify under Warden's receipt keys and
   * state this answer (action id, status, decision) and, for `ask`, this request (action,
   * resource, input hash) — else `invalid_receipt`, and the action does not run.
   */
  async #checkReceipt(answer: ActionAnswer, request?: ActionRequest): Promise<void> {
    const invalid = (why: string, details?: unknown) =>
      new WardenUnavailable(`Warden's answer about ${answer.id} has no valid receipt: ${why}`, { code: "invalid_receipt", status: 200, details });
    if (answer.receipt === undefined) throw invalid("it carries none");
    let check = await verifyReceipt(answer.receipt, await this.#keysForReceipts());
    // A key id not seen yet: a rotation since the keys were fetched. Asked once per key id.
    if (!check.ok && check.reason === "unknown_key" && check.kid && !this.#receipts!.pinned && !this.#refetchedFor.has(check.kid) && this.#refetchedFor.size < MAX_UNKNOWN_KIDS) {
      this.#refetchedFor.add(check.kid);
      this.#receiptKeys = null;
      check = await verifyReceipt(answer.receipt, await this.#keysForReceipts());
    }
    if (!check.ok) throw invalid(`${check.reason}: ${check.message}`, { reason: check.reason });
    const p = check.payload;
    const mismatch: string[] = [];
    if (p.actionId !== answer.id) mismatch.push(`action id ${p.actionId}`);
    if (p.status !== answer.status || p.decision !== answer.decision) mismatch.push(`${p.decision}/${p.status}`);
    if (request) {
      if (p.action !== request.action) mismatch.push(`action ${p.action}`);
      if (p.resource !== (request.resource ?? "")) mismatch.push(`resource ${JSON.stringify(p.resource)}`);
      if (p.inputHash !== (await inputHash(request.input ?? {}))) mismatch.push("another input");
    }
    // Approved with changes: the receipt must state the input the answer says to act on.
    if (answer.approvedInput !== undefined && p.approvedInputHash !== (await inputHash(answer.approvedInput))) mismatch.push("another approved input");
    if (mismatch.length) throw invalid(`it states ${mismatch.join(", ")}`, { reason: "mismatch" });
  }

  /** The pinned keys, or those of `GET /api/keys/receipts` (fetched once; concurrent callers share the fetch). */
  #keysForReceipts(): Promise<ReceiptKeys> {
    const pinned = this.#receipts!.pinned;
    if (pinned) return Promise.resolve(pinned);
    if (!this.#receiptKeys) {
      const fetching = fetchReceiptKeys(this.url, { fetch: this.#fetch, signal: AbortSignal.timeout(this.#timeoutMs) }).catch((err: unknown) => {
        if (this.#receiptKeys === fetching) this.#receiptKeys = null;
        throw new WardenUnavailable(`Warden's receipt keys could not be fetched from ${this.url}/api/keys/receipts: ${errorText(err)}`, { code: "receipt_keys_unavailable", cause: err });
      });
      this.#receiptKeys = fetching;
    }
    return this.#receiptKeys;
  }

  /** Reports what happened after an allowed action (once); answers with post-check flags. */
  reportResult(actionId: string, result: ResultReport): Promise<ResultAnswer> {
    return this.#request({
      method: "POST",
      path: `/v1/actions/${encodeURIComponent(actionId)}/result`,
      body: result,
      parse: (v, s) => parseResultAnswer(v, s, actionId),
    });
  }

  /**
   * Reads of a knowledge set this agent's cohort is granted (`GET /v1/knowledge/…`), cached by
   * version: `get(key)` revalidates with the version's ETag, `sync()` keeps a local replica.
   */
  knowledge(set: string): KnowledgeReader {
    let r = this.#knowledge.get(set);
    if (!r) {
      r = new KnowledgeReader(set, (path, headers) => this.#withRetries(() => this.#rawGet(path, headers)));
      this.#knowledge.set(set, r);
    }
    return r;
  }

  /** A GET whose 304 and 404 are answers, not errors (knowledge reads). */
  async #rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; etag: string | null; body: unknown }> {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), this.#timeoutMs);
    try {
      let res: Response;
      try {
        res = await this.#fetch(this.url + path, { method: "GET", headers: { authorization: `Bearer ${this.#apiKey}`, accept: "application/json", "user-agent": USER_AGENT, ...headers }, signal: ctrl.signal });
      } catch (err) {
        throw new WardenUnavailable(ctrl.signal.aborted ? `Warden did not answer GET ${path} within ${this.#timeoutMs} ms` : `Warden is unreachable at ${this.url}: ${errorText(err)}`, { code: ctrl.signal.aborted ? "timeout" : "network_error", cause: err });
      }
      if (res.status === 304) return { status: 304, etag: res.headers.get("etag"), body: null };
      const text = await res.text();
      let body: unknown;
      try {
        body = text ? (JSON.parse(text) as unknown) : null;
      } catch {
        throw new WardenUnavailable(`Warden answered ${res.status} with a body that is not JSON`, { code: "malformed_response", status: res.status });
      }
      if (res.status === 404 && path.split("?")[0]!.split("/").length > 4) return { status: 404, etag: null, body };
      if (!res.ok) throw errorFromResponse(res.status, body, retryAfterMs(res.headers.get("retry-after")));
      return { status: res.status, etag: res.headers.get("etag"), body };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Who this key belongs to, and whether it is halted (`GET /v1/agent`). */
  whoami(options: { signal?: AbortSignal } = {}): Promise<WhoAmI> {
    return this.#withRetries(() => this.#request({ method: "GET", path: "/v1/agent", signal: options.signal, parse: parseWhoAmI }), options.signal);
  }

  /**
   * Asks, waits for a human when needed, runs `fn` only when allowed, reports its outcome and
   * returns its value with the post-check flags. `fn` gets the input to act on: the request's,
   * or — when an approver approved it with changes (a lower price, fewer units) — the request's
   * with those changes applied; act on that one. The report then says which input was acted on,
   * so Warden can check it against the approval. The version the action runs under is attached
   * (its own `version`, else the version `release(releaseKey)` assigns, else the client's). `fn`'s
   * second argument is Warden's final answer, whose `receipt` the business system can check.
   * Throws `ActionDenied`, `ApprovalTimeout`,
   * `WardenUnavailable` or `WardenError` without running `fn`; rethrows `fn`'s own error after
   * reporting it as failed.
   */
  async guard<T>(request: ActionRequest, fn: (input: Record<string, unknown>, answer: ActionAnswer) => T | Promise<T>, options: GuardOptions = {}): Promise<GuardResult<Awaited<T>>> {
    const started = Date.now();
    const capSeconds = this.#maxWaitMs === undefined ? MAX_WAIT_SECONDS : Math.ceil(this.#maxWaitMs / 1000);
    const wait = Math.min(clampWait(options.wait ?? this.#waitSeconds), capSeconds);
    let answer = await this.ask({ ...request, idempotencyKey: request.idempotencyKey ?? newKey(), wait }, { signal: options.signal });
    if (answer.decision === "pending") answer = await this.#awaitDecision(answer, started, options);
    if (answer.decision !== "allow") throw new ActionDenied(answer, request.action);
    return this.#run(answer, inputToActOn(request.input ?? {}, answer), fn);
  }

  async #awaitDecision(first: ActionAnswer, started: number, { onPending, signal }: GuardOptions): Promise<ActionAnswer> {
    onPending?.(first);
    const deadline = started + (this.#maxWaitMs ?? untilExpiry(first, started));
    let answer = first;
    let failures = 0;
    while (answer.decision === "pending") {
      const left = deadline - Date.now();
      if (left <= 0) throw new ApprovalTimeout(answer, Date.now() - started);
      const wait = Math.max(1, Math.min(this.#waitSeconds, Math.ceil(left / 1000)));
      const polled = Date.now();
      try {
        answer = await this.getAction(first.id, { wait, signal });
        failures = 0;
      } catch (err) {
        // Approvals take minutes to hours: ride out a restart or a blip, but never past the deadline.
        const pause = Math.min(5000, 250 * 2 ** failures++);
        if (!isRetriable(err) || Date.now() + pause >= deadline) throw err;
        await sleep(pause, signal);
        continue;
      }
      // A server that answers at once despite `wait` must not turn this into a busy loop.
      const quick = 1000 - (Date.now() - polled);
      if (answer.decision === "pending" && quick > 0) await sleep(Math.min(quick, Math.max(0, deadline - Date.now())), signal);
    }
    return answer;
  }

  async #run<T>(answer: ActionAnswer, input: Record<string, unknown>, fn: (input: Record<string, unknown>, answer: ActionAnswer) => T | Promise<T>): Promise<GuardResult<Awaited<T>>> {
    // Only an approval with changes is checked against the input acted on.
    const actedOn = answer.approvedInput ? { input } : {};
    let value: Awaited<T>;
    try {
      value = await fn(input, answer);
    } catch (err) {
      await this.#reportSafely(answer.id, { status: "failed", error: errorText(err), ...actedOn });
      throw err;
    }
    const output = toOutput(value);
    const flags = await this.#reportSafely(answer.id, output === undefined ? { status: "succeeded", ...actedOn } : { status: "succeeded", output, ...actedOn });
    return { value, input, action: answer, flags };
  }

  /** The action already ran: a lost report must not lose its outcome, nor throw it away. */
  async #reportSafely(actionId: string, result: ResultReport): Promise<Flag[]> {
    let lastError: unknown;
    for (let attempt = 0; attempt < REPORT_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(backoff(attempt - 1));
      try {
        return (await this.reportResult(actionId, result)).flags;
      } catch (err) {
        // A retry after an answer that got lost finds the first report recorded.
        if (attempt > 0 && err instanceof WardenError && err.code === "result_already_reported") return [];
        lastError = err;
        if (!isRetriable(err)) break;
      }
    }
    const failure: ResultReportFailure = { actionId, result };
    try {
      this.#onResultReportError(lastError, failure);
    } catch (hookError) {
      warnReportFailure(lastError, failure);
      console.warn("[warden] onResultReportError threw:", hookError);
    }
    return [];
  }

  /**
   * Retries a retriable failure with the same call (so the same idempotency key): up to
   * `maxRetries` times, each after the server's Retry-After or a backoff, whichever is longer,
   * and never past `retryBudgetMs` from the first attempt — a wait that would end past it is
   * not started: the last error is thrown at once.
   */
  async #withRetries<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const deadline = Date.now() + this.#retryBudgetMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (attempt >= this.#maxRetries || !isRetriable(err) || signal?.aborted) throw err;
        const pause = Math.max(backoff(attempt), err instanceof WardenError ? (err.retryAfterMs ?? 0) : 0);
        if (Date.now() + pause > deadline) throw err;
        await sleep(pause, signal);
      }
    }
  }

  async #request<T>(call: Call<T>): Promise<T> {
    const { method, path, signal } = call;
    signal?.throwIfAborted();
    const limitMs = this.#timeoutMs + (call.waitSeconds ?? 0) * 1000;
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), limitMs);
    const stop = () => ctrl.abort();
    signal?.addEventListener("abort", stop, { once: true });
    const failure = (during: string, cause: unknown): unknown => {
      if (signal?.aborted) return signal.reason;
      if (ctrl.signal.aborted) return new WardenUnavailable(`Warden did not answer ${method} ${path} within ${limitMs} ms`, { code: "timeout", cause });
      return new WardenUnavailable(`Warden is unreachable at ${this.url} (${during}): ${errorText(cause)}`, { code: "network_error", cause });
    };
    try {
      let res: Response;
      try {
        res = await this.#fetch(this.url + path, {
          method,
          headers: {
            authorization: `Bearer ${this.#apiKey}`,
            "content-type": "application/json",
            accept: "application/json",
            "user-agent": USER_AGENT,
          },
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          signal: ctrl.signal,
        });
      } catch (err) {
        throw failure("sending", err);
      }
      // The timeout covers the body too: a server may send headers and then stall.
      let text: string;
      try {
        text = await res.text();
      } catch (err) {
        throw failure("reading the answer", err);
      }
      let body: unknown;
      let isJson = true;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        isJson = false;
      }
      if (!res.ok) throw errorFromResponse(res.status, isJson ? body : undefined, retryAfterMs(res.headers.get("retry-after")));
      if (!isJson) throw new WardenUnavailable(`Warden answered ${res.status} with a body that is not JSON`, { code: "malformed_response", status: res.status });
      return call.parse(body, res.status);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", stop);
    }
  }
}

function errorFromResponse(status: number, body: unknown, retryAfter: number | undefined): WardenError {
  const e = typeof body === "object" && body !== null ? (body as { error?: unknown }).error : undefined;
  const err = typeof e === "object" && e !== null ? (e as { code?: unknown; message?: unknown; details?: unknown }) : {};
  const code = typeof err.code === "string" ? err.code : `http_${status}`;
  const message = typeof err.message === "string" ? err.message : `Warden answered HTTP ${status}`;
  if (status >= 500) return new WardenUnavailable(message, { code, status, details: err.details, retryAfterMs: retryAfter });
  return new WardenError(code, status, message, { details: err.details, retryAfterMs: retryAfter });
}

/** `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; undefined when absent or unreadable. Capped at an hour. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const t = header.trim();
  const ms = /^\d+$/.test(t) ? Number(t) * 1000 : Date.parse(t) - Date.now();
  return Number.isFinite(ms) ? Math.min(3600_000, Math.max(0, ms)) : undefined;
}

/** Worth asking again: no answer, a 5xx, or rate-limited. Not: a 4xx, or an answer we can't read. */
function isRetriable(err: unknown): boolean {
  if (err instanceof WardenUnavailable) return err.code !== "malformed_response" && err.code !== "invalid_receipt";
  return err instanceof WardenError && err.status === 429;
}

/**
 * The input an allowed action runs with. Approved with changes: the request's own input with
 * the approvers' changes applied path by path — not `approvedInput` itself, where Warden keeps
 * personal data redacted (`[redacted:email:…]`); without the list of changes, `approvedInput`.
 */
export function inputToActOn(requested: Record<string, unknown>, answer: ActionAnswer): Record<string, unknown> {
  if (!answer.approvedInput) return requested;
  if (!answer.approvedChanges) return answer.approvedInput;
  let out: Record<string, unknown> = structuredClone(requested);
  for (const c of answer.approvedChanges) out = setPath(out, c.path.split(".").slice(1), c.to, "to" in c);
  return out;
}

function setPath(doc: Record<string, unknown>, keys: string[], value: unknown, present: boolean): Record<string, unknown> {
  const [k, ...rest] = keys;
  if (k === undefined) return doc;
  const copy = { ...doc };
  if (rest.length === 0) {
    if (present) copy[k] = value;
    else delete copy[k];
    return copy;
  }
  const child = copy[k];
  copy[k] = setPath(typeof child === "object" && child !== null && !Array.isArray(child) ? (child as Record<string, unknown>) : {}, rest, value, present);
  return copy;
}

function actionBody(request: AskRequest, idempotencyKey: string, wait: number): Record<string, unknown> {
  // Only the contract's fields: the server refuses unknown ones.
  const body: Record<string, unknown> = { action: request.action };
  if (request.resource !== undefined) body.resource = request.resource;
  if (request.input !== undefined) body.input = request.input;
  if (request.context !== undefined) body.context = request.context;
  if (request.handoff !== undefined) body.handoff = request.handoff;
  if (request.version !== undefined) body.version = request.version;
  body.idempotencyKey = idempotencyKey;
  body.wait = wait;
  return body;
}

/** How long to wait for a human by default: until the server expires the action, within reason. */
function untilExpiry(answer: ActionAnswer, started: number): number {
  const expires = answer.expiresAt ? Date.parse(answer.expiresAt) : NaN;
  if (Number.isNaN(expires)) return DEFAULT_MAX_WAIT_MS;
  return Math.min(DEFAULT_MAX_WAIT_MS, Math.max(EXPIRY_GRACE_MS, expires - started + EXPIRY_GRACE_MS));
}

/** The function's value as JSON, when it is JSON and within the API's size cap; else nothing. */
function toOutput(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    const text = JSON.stringify(value);
    if (text === undefined || new TextEncoder().encode(text).length > MAX_OUTPUT_BYTES) return undefined;
    return JSON.parse(text) as unknown;
  } catch {
    return undefined; // cycles, BigInt, a throwing toJSON
  }
}

function errorText(err: unknown): string {
  let text: string;
  try {
    text = err instanceof Error ? err.message || err.name : String(err);
  } catch {
    text = "unprintable error";
  }
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text;
}

function warnReportFailure(error: unknown, { actionId, result }: ResultReportFailure): void {
  console.warn(`[warden] the result (${result.status}) of ${actionId} could not be reported: ${errorText(error)}`);
}

function clampWait(seconds: number): number {
  return Number.isFinite(seconds) ? Math.min(MAX_WAIT_SECONDS, Math.max(0, seconds)) : 0;
}

function positive(v: number | undefined, name: string, allowZero = false): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) throw new RangeError(`Warden: ${name} must be a positive number`);
  return v;
}

function backoff(attempt: number): number {
  return 200 * 3 ** attempt * (1 + Math.random() / 2);
}

function newKey(): string {
  return globalThis.crypto.randomUUID();
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
