"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { ApprovalItem } from "@/lib/approvals/index.ts";
import { api } from "../api.ts";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { ErrorText, inputClass } from "../ui/field.tsx";
import { useApiMutation } from "../use-api-mutation.ts";
import { left, money, showValue, valueAtPath, withPath } from "./format.ts";

/** The change an approver is asked to allow, readably: old → new where the input says both. */
export function ChangeSummary({ input }: { input: Record<string, unknown> }) {
  const price = input.price;
  const current = input.currentPrice;
  if (typeof price === "number" && typeof current === "number" && current > 0) {
    const pct = ((price - current) / current) * 100;
    return (
      <p className="text-sm" data-testid="price-diff">
        Price <span className="font-mono line-through decoration-red-500">{money(current, input.currency)}</span> → <span className="font-mono font-semibold">{money(price, input.currency)}</span>{" "}
        <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${pct < -30 ? "bg-red-100 text-red-800 dark:bg-red-500/20 dark:text-red-200" : "bg-slate-100 dark:bg-slate-800"}`}>
          {pct > 0 ? "+" : ""}
          {pct.toFixed(1)} %
        </span>
      </p>
    );
  }
  const facts: string[] = [];
  if (typeof input.units === "number") facts.push(`${input.units.toLocaleString("en-GB")} units${typeof input.unitCost === "number" ? ` × ${money(input.unitCost, input.currency)} = ${money(input.units * input.unitCost, input.currency)}` : ""}`);
  if (typeof input.amount === "number") facts.push(`${money(input.amount, input.currency)}${typeof input.reason === "string" ? ` (${input.reason})` : ""}`);
  return facts.length ? <p className="text-sm font-medium">{facts.join(" · ")}</p> : null;
}

/** The escalation path: each stage's team, the current one highlighted. */
export function StagePath({ item }: { item: ApprovalItem }) {
  if (!item.stages || item.stages.length === 0) return null;
  return (
    <ol aria-label="Escalation path" className="flex flex-wrap items-center gap-1 text-xs">
      {item.stages.map((s, i) => {
        const current = item.stage?.index === i;
        const passed = item.stage !== null && i < item.stage.index;
        return (
          <li key={i} className="flex items-center gap-1">
            {i > 0 && <span aria-hidden className="text-slate-400">→</span>}
            <span
              aria-current={current ? "step" : undefined}
              className={`rounded px-1.5 py-0.5 ${current ? "bg-amber-100 font-semibold text-amber-900 dark:bg-amber-500/20 dark:text-amber-200" : passed ? "text-slate-400 line-through" : "text-slate-600 dark:text-slate-300"}`}
            >
              {s.team ?? "any approver"}
              {s.quorum > 1 ? ` ×${s.quorum}` : ""}
              {s.fallback ? " (fallback)" : ""}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

type Decision = "approve" | "reject" | "approve-changes";

/**
 * Where the caller's own vote leaves a pending action: "You approved — waiting for 1 more
 * approval" (from the API's `you.vote` and `votesNeeded`, or the vote's own answer until the
 * queue catches up). Null if they have not voted.
 */
export function yourVoteText(item: ApprovalItem, justVoted: { vote: "approve" | "reject"; needed: number | null } | null): string | null {
  const vote = item.you?.vote ?? justVoted?.vote ?? null;
  if (!vote) return null;
  if (vote === "reject") return "You rejected — the action is being rejected.";
  const needed = item.you?.vote ? item.votesNeeded : (justVoted?.needed ?? item.votesNeeded);
  const stage = item.stage && item.stage.of > 1 ? ` at stage ${item.stage.index + 1} (${item.stage.team ?? "any approver"})` : "";
  if (needed === null || needed <= 0) return "You approved — settling.";
  return `You approved — waiting for ${needed} more approval${needed > 1 ? "s" : ""}${stage}.`;
}

/** The input with the approver's edits (numbers stay numbers). */
function editedInput(current: Record<string, unknown>, edits: Record<string, string>): Record<string, unknown> {
  let out = current;
  for (const [path, raw] of Object.entries(edits)) {
    const was = valueAtPath(current, path);
    out = withPath(out, path, typeof was === "number" ? Number(raw) : raw);
  }
  return out;
}

export function ApprovalCard({
  item,
  selected,
  canDecide,
  decideNote = null,
  now,
  onSelect,
  initialDecision = null,
  bulk,
}: {
  item: ApprovalItem;
  selected: boolean;
  canDecide: boolean;
  /** Why the caller can't decide (their role), shown where the buttons would be. */
  decideNote?: string | null;
  now: number;
  onSelect?: () => void;
  initialDecision?: "approve" | "reject" | null;
  /** Bulk selection: shown when the card can join the current selection. */
  bulk?: { checked: boolean; enabled: boolean; onToggle: () => void };
}) {
  const [confirm, setConfirm] = useState<Decision | null>(initialDecision);
  const [comment, setComment] = useState("");
  const current = item.approvedInput ?? item.input;
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [editError, setEditError] = useState<string | null>(null);
  const ref = useRef<HTMLElement>(null);
  // The caller's vote as its answer said, until the live queue shows it (`you.vote`).
  const [justVoted, setJustVoted] = useState<{ vote: "approve" | "reject"; needed: number | null } | null>(null);
  const m = useApiMutation(
    ({ d, input }: { d: Decision; input?: Record<string, unknown> }) =>
      api<{ status: string; approvals: number; quorum: number }>(`/api/approvals/${item.actionId}`, {
        body: { decision: d === "reject" ? "reject" : "approve", ...(comment ? { comment } : {}), ...(input ? { input } : {}) },
      }),
    (r) => {
      setConfirm(null);
      setJustVoted({ vote: r.status === "rejected" ? "reject" : "approve", needed: r.status === "pending" ? Math.max(0, r.quorum - r.approvals) : 0 });
    },
  );
  const yourVote = yourVoteText(item, justVoted);
  const canAct = canDecide && (item.you?.canAct ?? true) && yourVote === null;
  const override = item.you?.override ?? false;
  const submit = (d: Decision) => {
    if (d === "approve-changes") {
      const bad = Object.entries(edits).filter(([p, v]) => typeof valueAtPath(current, p) === "number" && (v.trim() === "" || !Number.isFinite(Number(v))));
      if (bad.length) return setEditError(`${bad.map(([p]) => p.replace(/^input\./, "")).join(", ")}: a number`);
      setEditError(null);
      return m.mutate({ d, input: editedInput(current, edits) });
    }
    m.mutate({ d });
  };
  useEffect(() => {
    if (!selected || !canAct) return;
    ref.current?.scrollIntoView({ block: "nearest" });
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLInputElement || e.metaKey || e.ctrlKey) return;
      if (e.key === "a") setConfirm("approve");
      else if (e.key === "r") setConfirm("reject");
      else if (e.key === "Enter" && confirm) submit(confirm);
      else if (e.key === "Escape") setConfirm(null);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- submit reads the latest edits
  }, [selected, canAct, confirm, m]);
  const stageVotes = item.stage && item.stages ? item.votes.filter((v) => v.stage === item.stage!.index) : item.votes;
  const approvals = stageVotes.filter((v) => v.vote === "approve").length;
  const waitingFor = item.stage?.team ?? "any approver";
  const label = (d: string) => (override ? `${d} (override)` : d);
  return (
    <article
      ref={ref}
      data-testid="approval-card"
      aria-label={`${item.agent.name} ${item.action}`}
      onClick={onSelect}
      className={`rounded-xl border bg-white p-4 shadow-sm dark:bg-slate-900 ${selected ? "border-brand-500 ring-2 ring-brand-500/30" : "border-slate-200 dark:border-slate-800"}`}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="flex items-start gap-3">
          {bulk && (
            <input
              type="checkbox"
              aria-label={`Select ${item.resource || item.actionId}`}
              className="mt-1"
              checked={bulk.checked}
              disabled={!bulk.enabled}
              onChange={bulk.onToggle}
              onClick={(e) => e.stopPropagation()}
            />
          )}
          <div>
            <p className="text-sm">
              <Link href={`/agents/${item.agent.id}`} className="link">{item.agent.name}</Link>{" "}
              <span className="text-slate-500">· {item.agent.cohort} · owner {item.agent.owner}</span>
            </p>
            <p className="mt-0.5 font-mono text-sm">
              <Link href={`/approvals/${item.actionId}`} className="hover:underline">{item.action}</Link> <span className="text-slate-500">{item.resource}</span>
            </p>
          </div>
        </div>
        <div className="text-right text-xs text-slate-500">
          {item.stage && (
            <div data-testid="stage" className="font-medium text-slate-700 dark:text-slate-200">
              {item.stage.of > 1 ? `Stage ${item.stage.index + 1} of ${item.stage.of} · ` : ""}
              {waitingFor}
            </div>
          )}
          <div className="font-medium text-amber-700 dark:text-amber-300" data-testid="time-left">{left(item.stage?.expiresAt ?? item.expiresAt, now)}</div>
          <div>
            {approvals} of {item.quorum} approval{item.quorum > 1 ? "s" : ""}
          </div>
        </div>
      </div>
      <div className="mt-3 space-y-2">
        <StagePath item={item} />
        {item.handoff && (
          <p data-testid="handoff" className="text-sm">
            <Badge tone="blue">hand-off</Badge> {item.handoff.reason}
            {item.handoff.confidence !== null ? <span className="text-slate-500"> · confidence {item.handoff.confidence}</span> : null}
          </p>
        )}
        <ChangeSummary input={current} />
        {item.changes.length > 0 && (
          <p data-testid="changes" className="text-sm">
            <Badge tone="amber">changed by an approver</Badge>{" "}
            {item.changes.map((c) => `${c.path.replace(/^input\./, "")} ${showValue(c.path.split(".").pop() ?? "", c.from, item.input.currency)} → ${showValue(c.path.split(".").pop() ?? "", c.to, item.input.currency)}`).join(", ")}
          </p>
        )}
        <ul className="text-sm">
          {item.reasons.filter((r) => r.effect === "require_approval").map((r, i) => (
            <li key={i}>
              <Badge tone="amber" wrap>{r.policyName}</Badge> {r.message}
            </li>
          ))}
        </ul>
        {item.votes.length > 0 && (
          <ul className="text-xs text-slate-600 dark:text-slate-300">
            {item.votes.map((v) => (
              <li key={v.userId}>
                {v.vote === "approve" ? "✓" : "✗"} {v.name} ({v.email}){v.stage !== null && item.stages && item.stages.length > 1 ? ` · stage ${v.stage + 1}` : ""}
                {v.override ? " · admin override" : ""}
                {v.comment ? ` — “${v.comment}”` : ""}
              </li>
            ))}
          </ul>
        )}
        <details className="text-xs">
          <summary className="cursor-pointer text-slate-500">Full input</summary>
          <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-2 font-mono dark:bg-slate-950">{JSON.stringify({ input: item.input, context: item.context }, null, 2)}</pre>
        </details>
      </div>
      {canDecide && !canAct && (
        <p data-testid="your-vote" className="mt-3 border-t border-slate-100 pt-3 text-xs text-slate-500 dark:border-slate-800">
          {yourVote ?? (item.you?.voted ? "You have voted on this action." : `Waiting for ${waitingFor}; you are not in that team.`)}
        </p>
      )}
      {!canDecide && decideNote && (
        <p data-testid="decide-note" className="mt-3 border-t border-slate-100 pt-3 text-xs text-slate-500 dark:border-slate-800">
          {decideNote}
        </p>
      )}
      {canAct && (
        <div className="mt-3 space-y-2 border-t border-slate-100 pt-3 dark:border-slate-800" onClick={(e) => e.stopPropagation()}>
          {confirm === "approve-changes" && (
            <fieldset aria-label="Changes" className="flex flex-wrap gap-3">
              {item.editable.map((path) => {
                const was = valueAtPath(current, path);
                const field = path.replace(/^input\./, "");
                return (
                  <label key={path} className="text-sm">
                    <span className="mb-1 block font-medium">
                      {field} <span className="font-normal text-slate-500">(was {showValue(field, was, current.currency)})</span>
                    </span>
                    <input
                      aria-label={`New ${field}`}
                      type={typeof was === "number" ? "number" : "text"}
                      step="any"
                      className={`${inputClass} w-40`}
                      value={edits[path] ?? (was === undefined ? "" : String(was))}
                      disabled={was === undefined || (typeof was !== "number" && typeof was !== "string")}
                      onChange={(e) => setEdits({ ...edits, [path]: e.target.value })}
                    />
                  </label>
                );
              })}
            </fieldset>
          )}
          <div className="flex flex-wrap items-end gap-2">
            <textarea aria-label="Comment" rows={1} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Comment (optional)" className={`${inputClass} min-w-[14rem] flex-1`} />
            {confirm ? (
              <>
                <Button variant={confirm === "reject" ? "danger" : "primary"} disabled={m.isPending} onClick={() => submit(confirm)}>
                  {confirm === "approve-changes" ? label("Confirm approve with changes") : label(`Confirm ${confirm}`)}
                </Button>
                <Button variant="ghost" onClick={() => setConfirm(null)}>Cancel</Button>
              </>
            ) : (
              <>
                <Button onClick={() => setConfirm("approve")}>{label("Approve")}</Button>
                {item.editable.length > 0 && (
                  <Button variant="secondary" onClick={() => setConfirm("approve-changes")}>
                    Approve with changes…
                  </Button>
                )}
                <Button variant="danger" onClick={() => setConfirm("reject")}>{label("Reject")}</Button>
              </>
            )}
          </div>
          <ErrorText error={editError ?? m.errorMessage} />
        </div>
      )}
    </article>
  );
}
