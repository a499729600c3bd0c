import { randomBytes, randomUUID } from "node:crypto";
import { ErrorCode, McpError, type CallToolResult, type Progress } from "@modelcontextprotocol/sdk/types.js";
import { plainMessage, RpcError } from "./rpc-error.ts";
import { WardenError, WardenUnavailable, type ActionAnswer, type Flag, type ResultReport, type Warden } from "../../sdk/src/index.ts";
import { actionNameFor } from "./action-name.ts";
import { callFingerprint } from "./call-fingerprint.ts";
import type { Log } from "./log.ts";
import { reportOfFailure, reportOfResult } from "./result-report.ts";
import type { Upstream } from "./upstream.ts";
import { refusalResult, denialResult, waitingMessage, withWardenMeta } from "./tool-results.ts";

const MAX_POLL_FAILURES = 5; // consecutive failed long-polls (Warden restarting) before giving up
const REPORT_ATTEMPTS = 4;
const REMEMBERED_EXECUTIONS = 10_000;
const MAX_OPEN_SLOTS = 10_000;

export type CallRequest = { upstream: Upstream; tool: string; args: Record<string, unknown> };

/** One client request waiting for a call: its cancellation, and where its notifications go. */
export type Caller = {
  signal: AbortSignal;
  /** The call is pending a human decision in Warden (sent at once, then after every long-poll). */
  onWaiting?: (message: string) => void;
  /** The upstream reported progress on the running call. */
  onProgress?: (progress: Progress) => void;
};

type Outcome = { kind: "result"; result: CallToolResult } | { kind: "error"; error: RpcError } | { kind: "parked" };
type Settled = { outcome: Outcome; finished: boolean };

/** The open Warden action of one call fingerprint: its idempotency key and the run working on it. */
type Slot = { fingerprint: string; key: string; run?: Run };

class Run {
  readonly waiters = new Set<Caller>();
  pending: ActionAnswer | undefined;
  pollAbort: AbortController | undefined;
  promise!: Promise<Outcome>;
}

const PARKED: Settled = { outcome: { kind: "parked" }, finished: false };

export type GovernorOptions = {
  /** The Warden client acting as the given upstream's agent. */
  wardenFor: (upstream: Upstream) => Warden;
  /** Long-poll length while a call waits for a human, 1..60 s; a progress notification follows each. */
  pollSeconds: number;
  log: Log;
};

/**
 * Turns tool calls into governed Warden actions and runs each allowed one exactly once.
 *
 * "The same call" is the same upstream, tool and canonical arguments (see callFingerprint).
 * While such a call is open — being decided, waiting for a human, or running — every identical
 * call joins it: they share one Warden action (one idempotency key) and one upstream
 * execution, and all get its result. A call whose clients all went away while it waited is
 * parked: the action stays in Warden, and the next identical call asks again with the same key,
 * finds the same action (still pending, or decided meanwhile) and resumes it. Once the call is
 * finished — executed and reported, or denied, rejected or expired — the next identical call
 * is a new action.
 *
 * Exactly once: an action id is executed at most once per gateway process (checked again
 * against a record of executed ids), and only while a client is waiting for it. Keys carry
 * this process's random secret, so another gateway process (or this one after a restart)
 * never shares — and so never executes — this process's actions: each approval is executed at
 * most once. An action left pending by a process that exited is not resumed; it expires in
 * Warden's queue.
 */
export class Governor {
  readonly #secret = randomBytes(32);
  readonly #instance = randomUUID().slice(0, 8);
  #sequence = 0;
  readonly #slots = new Map<string, Slot>();
  readonly #executed = new Set<string>();
  readonly #reporting = new Set<Promise<void>>();
  #shutDown = false;
  readonly #options: GovernorOptions;

  constructor(options: GovernorOptions) {
    this.#options = { ...options, pollSeconds: Math.min(60, Math.max(1, options.pollSeconds)) };
  }

  /** How many calls are open (running, waiting or parked). */
  get openCalls(): number {
    return this.#slots.size;
  }

  /**
   * Governs one `tools/call`. Resolves with the tool result to send (the upstream's own result,
   * or an `isError` result saying why Warden refused); rejects with an `RpcError` when the
   * upstream failed after Warden allowed the call, or with the caller's abort reason.
   */
  async call(req: CallRequest, caller: Caller): Promise<CallToolResult> {
    const fingerprint = callFingerprint(this.#secret, req.upstream.name, req.tool, req.args);
    for (;;) {
      caller.signal.throwIfAborted();
      if (this.#shutDown) throw new RpcError(ErrorCode.InternalError, "The Warden MCP gateway is shutting down; the call was not made");
      const slot = this.#slotFor(fingerprint);
      const run = slot.run ?? this.#start(slot, req);
      run.waiters.add(caller);
      if (run.pending) caller.onWaiting?.(waitingMessage(run.pending, actionNameFor(req.upstream.name, req.tool)));
      let outcome: Outcome;
      try {
        outcome = await untilAborted(run.promise, caller.signal);
      } finally {
        run.waiters.delete(caller);
        if (run.waiters.size === 0) run.pollAbort?.abort();
      }
      if (outcome.kind === "parked") continue; // it parked just as we joined: ask again with the same key
      if (outcome.kind === "error") throw outcome.error;
      return outcome.result;
    }
  }

  #slotFor(fingerprint: string): Slot {
    let slot = this.#slots.get(fingerprint);
    if (!slot) {
      slot = { fingerprint, key: `mcp:${this.#instance}:${fingerprint}:${++this.#sequence}` };
      this.#slots.set(fingerprint, slot);
      this.#evictIdleSlots();
    }
    return slot;
  }

  #start(slot: Slot, req: CallRequest): Run {
    const run = new Run();
    slot.run = run;
    run.promise = this.#govern(slot, run, req)
      .catch((err: unknown): Settled => {
        this.#options.log(`internal error on ${req.upstream.name}/${req.tool}: ${(err as Error).stack ?? String(err)}`);
        return { outcome: { kind: "error", error: new RpcError(ErrorCode.InternalError, "The Warden MCP gateway failed on this call; see its log") }, finished: false };
      })
      .then(({ outcome, finished }) => {
        if (slot.run === run) slot.run = undefined;
        if (finished && this.#slots.get(slot.fingerprint) === slot) this.#slots.delete(slot.fingerprint);
        return outcome;
      });
    return run;
  }

  async #govern(slot: Slot, run: Run, { upstream, tool, args }: CallRequest): Promise<Settled> {
    const action = actionNameFor(upstream.name, tool);
    const warden = this.#options.wardenFor(upstream);
    // Nothing is recorded for an upstream that can't be reached at all.
    try {
      await upstream.client();
    } catch (err) {
      return { outcome: { kind: "error", error: new RpcError(ErrorCode.InternalError, (err as Error).message) }, finished: true };
    }
    let answer: ActionAnswer;
    try {
      answer = await warden.ask({ action, input: args, context: { mcp: { upstream: upstream.name, tool } }, idempotencyKey: slot.key, wait: 0 });
    } catch (err) {
      // Unavailable: the action may have been recorded; a retry finds it with the same key.
      return { outcome: { kind: "result", result: refusalResult(err, action, upstream.name) }, finished: !(err instanceof WardenUnavailable) };
    }

    let failures = 0;
    while (answer.decision === "pending") {
      run.pending = answer;
      for (const w of run.waiters) w.onWaiting?.(waitingMessage(answer, action));
      if (run.waiters.size === 0 || this.#shutDown) return PARKED;
      const poll = new AbortController();
      run.pollAbort = poll;
      try {
        answer = await warden.getAction(answer.id, { wait: this.#options.pollSeconds, signal: poll.signal });
        failures = 0;
      } catch (err) {
        if (poll.signal.aborted) continue; // the last waiter left (the loop parks), or one came back
        if (!(err instanceof WardenUnavailable) || ++failures > MAX_POLL_FAILURES) {
          return { outcome: { kind: "result", result: refusalResult(err, action, upstream.name, answer.id) }, finished: false };
        }
        await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** failures)));
      } finally {
        run.pollAbort = undefined;
      }
    }
    run.pending = undefined;
    if (answer.decision === "deny") return { outcome: { kind: "result", result: denialResult(answer, action) }, finished: true };
    // Allowed or approved: run it only for someone who is still waiting for the result.
    if (run.waiters.size === 0 || this.#shutDown) return PARKED;
    if (this.#executed.has(answer.id)) {
      return { outcome: { kind: "error", error: new RpcError(ErrorCode.InvalidRequest, `Warden action ${answer.id} was already executed by this gateway; call again for a new one`) }, finished: true };
    }
    this.#remember(answer.id);

    let result: CallToolResult;
    try {
      result = await upstream.callTool(tool, args, { onprogress: (p) => run.waiters.forEach((w) => w.onProgress?.(p)) });
    } catch (err) {
      const why = err instanceof McpError ? plainMessage(err) : `upstream ${upstream.name} failed: ${(err as Error).message}`;
      this.#reportInBackground(warden, answer.id, action, reportOfFailure(why));
      const code = err instanceof McpError && err.code !== ErrorCode.ConnectionClosed && err.code !== ErrorCode.RequestTimeout ? err.code : ErrorCode.InternalError;
      const message = `${upstream.name}/${tool} failed after Warden allowed it: ${why}. Warden action ${answer.id} is reported failed.`;
      return { outcome: { kind: "error", error: new RpcError(code, message, err instanceof McpError ? err.data : undefined) }, finished: true };
    }
    this.#reportInBackground(warden, answer.id, action, reportOfResult(result));
    return { outcome: { kind: "result", result: withWardenMeta(result, { id: answer.id, action, decision: "allow", status: answer.status }) }, finished: true };
  }

  /** Stops waiting for humans (those calls park) and takes no new calls; calls already running finish. */
  shutdown(): void {
    this.#shutDown = true;
    for (const slot of this.#slots.values()) slot.run?.pollAbort?.abort();
  }

  /** Waits for the result reports still being sent (at shutdown). */
  async drain(): Promise<void> {
    while (this.#reporting.size) await Promise.all([...this.#reporting]);
  }

  /**
   * The client gets the upstream's answer at once; its report to Warden follows off the call's
   * path (it was half of the gateway's overhead), retried, and awaited by `drain` at shutdown.
   * Post-check flags are logged: they are for the people watching Warden.
   */
  #reportInBackground(warden: Warden, actionId: string, action: string, report: ResultReport): void {
    const sending = this.#report(warden, actionId, report).then((flags) => {
      for (const f of flags) this.#options.log(`Warden flagged ${action} (${actionId}): ${f.message}`);
    });
    this.#reporting.add(sending);
    void sending.finally(() => this.#reporting.delete(sending));
  }

  /** The upstream ran: its outcome must reach Warden; retried, and a lost answer's retry finds it recorded. */
  async #report(warden: Warden, actionId: string, report: ResultReport): Promise<Flag[]> {
    let last: unknown;
    for (let attempt = 0; attempt < REPORT_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 200 * 3 ** (attempt - 1)));
      try {
        return (await warden.reportResult(actionId, report)).flags;
      } catch (err) {
        last = err;
        if (err instanceof WardenError && err.code === "result_already_reported") {
          if (attempt === 0) this.#options.log(`Warden already had a result for ${actionId}: another process reported it`);
          return [];
        }
        const retriable = err instanceof WardenUnavailable ? err.code !== "malformed_response" : err instanceof WardenError && err.status === 429;
        if (!retriable) break;
      }
    }
    this.#options.log(`the result (${report.status}) of ${actionId} could not be reported to Warden: ${(last as Error)?.message ?? String(last)}`);
    return [];
  }

  #remember(actionId: string): void {
    this.#executed.add(actionId);
    if (this.#executed.size > REMEMBERED_EXECUTIONS) this.#executed.delete(this.#executed.values().next().value!);
  }

  /** Parked calls nobody came back for are forgotten, oldest first (their Warden actions expire). */
  #evictIdleSlots(): void {
    if (this.#slots.size <= MAX_OPEN_SLOTS) return;
    for (const [fp, slot] of this.#slots) {
      if (this.#slots.size <= MAX_OPEN_SLOTS) break;
      if (!slot.run) this.#slots.delete(fp);
    }
  }
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e as Error);
      },
    );
  });
}
