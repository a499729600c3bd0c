import { prisma, type Breaker } from "../db/index.ts";
import { countWindows, metricValue, scopeKey, type Metric, type ScopeRef } from "../signals/index.ts";
import { crossingMessage, formatMetric, type OpenedBecause } from "./present.ts";
import { MAX_BREAKER_WINDOW } from "./schema.ts";
import { closeBreaker, halfOpenDue, openBreaker } from "./transitions.ts";
import { breakerWatchCache } from "./watch.ts";

export const scopeOfBreaker = (b: Pick<Breaker, "scopeKind" | "scopeValue">): ScopeRef => ({ kind: b.scopeKind === "AGENT" ? "agent" : "cohort", id: b.scopeValue });

export type EvaluationResult = { opened: string[]; closed: string[]; reopened: string[]; halfOpened: string[] };

/**
 * distinct_resources breakers count a window's resource set (every distinct resource in it),
 * far more work than summing counters: per instance they are evaluated at most this often,
 * and never by the quick evaluation after a batch.
 */
export const DISTINCT_EVERY_MS = 5000;
let distinctEvaluatedAt = 0;

/**
 * One evaluation pass (the jobs loop runs it every second on every instance; a decision batch
 * that touched a watched scope triggers one sooner, see `breakerEvaluator`):
 * - half-opens open breakers whose cooldown has passed;
 * - a closed breaker whose metric over its window (since it last closed) is above its
 *   threshold with at least `minSamples` samples opens (openBreaker, exact like a halt);
 * - a half-open breaker decides once it has as many samples since it half-opened as it has
 *   probes: at or under the threshold it closes, above it re-opens. If they don't all come
 *   back within max(window, cooldown) it decides on those that did — or re-opens when none did.
 * `scopes` limits the closed breakers looked at to these scope keys (and leaves
 * distinct_resources ones out). Concurrent passes on several instances are harmless: each
 * transition applies once. `everything` evaluates distinct_resources breakers however recently
 * they were (tests).
 */
export async function evaluateBreakers(opts: { scopes?: Set<string>; now?: number; everything?: boolean } = {}): Promise<EvaluationResult> {
  const out: EvaluationResult = { opened: [], closed: [], reopened: [], halfOpened: [] };
  if (!opts.scopes) out.halfOpened = await halfOpenDue();
  const rows = await prisma().breaker.findMany({ where: { state: { in: opts.scopes ? ["CLOSED"] : ["CLOSED", "HALF_OPEN"] } } });
  const distinctDue = !opts.scopes && (opts.everything || Date.now() - distinctEvaluatedAt >= DISTINCT_EVERY_MS);
  if (distinctDue) distinctEvaluatedAt = Date.now();
  const closed = rows.filter((b) => b.state === "CLOSED" && (!opts.scopes || opts.scopes.has(scopeKey(scopeOfBreaker(b)))) && (b.metric !== "distinct_resources" || distinctDue));
  const half = rows.filter((b) => b.state === "HALF_OPEN");
  if (closed.length + half.length === 0) return out;
  const counts = await countWindows([
    ...closed.map((b) => ({ scope: scopeOfBreaker(b), windowSeconds: b.windowSeconds, since: b.samplesSince, distinctResources: b.metric === "distinct_resources" })),
    ...half.map((b) => ({ scope: scopeOfBreaker(b), windowSeconds: MAX_BREAKER_WINDOW, since: b.samplesSince, distinctResources: b.metric === "distinct_resources" })),
  ]);
  const now = opts.now ?? Date.now();
  const tasks: Promise<void>[] = [];
  closed.forEach((b, i) => {
    const metric = b.metric as Metric;
    const { value, samples } = metricValue(metric, counts[i]!);
    if (samples < b.minSamples || value <= b.threshold) return;
    const because: OpenedBecause = { cause: "metric", metric, value, threshold: b.threshold, samples, windowSeconds: b.windowSeconds, message: crossingMessage(metric, value, b.threshold, samples, b.windowSeconds) };
    tasks.push(openBreaker(b.id, { state: "CLOSED", samplesSince: b.samplesSince }, because).then((ok) => void (ok && out.opened.push(b.id))));
  });
  half.forEach((b, j) => {
    const metric = b.metric as Metric;
    const { value, samples } = metricValue(metric, counts[closed.length + j]!);
    const wanted = b.probes ?? 1;
    const deadline = (b.halfOpenAt?.getTime() ?? now) + Math.max(b.windowSeconds, b.cooldownSeconds ?? 0) * 1000;
    if (samples < wanted && now < deadline) return;
    if (samples > 0 && value <= b.threshold) {
      const reason = `${samples} probe sample${samples === 1 ? "" : "s"}: ${formatMetric(metric, value)}, at or under ${formatMetric(metric, b.threshold)}`;
      tasks.push(closeBreaker(b.id, { cause: "probes", actor: "system", by: "system", reason, from: "HALF_OPEN" }).then((ok) => void (ok && out.closed.push(b.id))));
      return;
    }
    const message =
      samples === 0
        ? `none of its ${wanted} probe actions came back within ${Math.max(b.windowSeconds, b.cooldownSeconds ?? 0)} s`
        : `its probes failed: ${crossingMessage(metric, value, b.threshold, samples, b.windowSeconds).replace(/ over the last [^(]+/, " ")}`;
    const because: OpenedBecause = { cause: "probes", metric, value, threshold: b.threshold, samples, windowSeconds: b.windowSeconds, message };
    tasks.push(openBreaker(b.id, { state: "HALF_OPEN" }, because).then((ok) => void (ok && out.reopened.push(b.id))));
  });
  await Promise.all(tasks);
  return out;
}

/**
 * Per instance: after a decision batch commits, the scopes it touched are evaluated within
 * ~200 ms (coalesced), when a breaker watches them. Never throws (it runs after the answer).
 */
class BreakerEvaluator {
  private dirty = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  touched(scopes: ScopeRef[]): void {
    void breakerWatchCache()
      .get()
      .then((w) => {
        for (const s of scopes) {
          const k = scopeKey(s);
          if (w.scopes.has(k)) this.dirty.add(k);
        }
        this.schedule();
      })
      .catch(() => undefined);
  }

  private schedule() {
    if (this.timer || this.dirty.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) return this.schedule();
      const scopes = this.dirty;
      this.dirty = new Set();
      this.running = evaluateBreakers({ scopes })
        .catch((err: unknown) => console.error("[breakers] evaluation failed:", (err as Error).message))
        .finally(() => {
          this.running = null;
          this.schedule();
        });
    }, 200);
    this.timer.unref();
  }
}

const KEY = Symbol.for("warden.breakerEvaluator");
type Holder = { [KEY]?: BreakerEvaluator };

export function breakerEvaluator(): BreakerEvaluator {
  const g = globalThis as Holder;
  return (g[KEY] ??= new BreakerEvaluator());
}
