import type { WebhookEvent, WebhookPayloads } from "./events.ts";

/**
 * A webhook delivery as a Slack-compatible incoming-webhook message: `{text, blocks}` in Block
 * Kit (https://api.slack.com/block-kit; header, section with mrkdwn text and fields, context,
 * actions with URL buttons, divider). `text` is the notification fallback. Approval messages
 * say who wants what, why, the amounts, the stage, and carry Approve / Reject / Open buttons
 * that open the dashboard's approval page (`link`, `?decide=approve|reject`). Slack's limits
 * are kept: header 150 characters, section text 3000, at most 10 fields of 2000. Everything
 * that comes from agents or people is escaped (`&`, `<`, `>`), the fallback text included, so
 * an agent's input can't mention @channel or forge a link.
 */
export type SlackMessage = { text: string; blocks: SlackBlock[] };
type Text = { type: "mrkdwn" | "plain_text"; text: string; emoji?: boolean };
type SlackBlock =
  | { type: "header"; text: Text }
  | { type: "section"; text?: Text; fields?: Text[] }
  | { type: "context"; elements: Text[] }
  | { type: "actions"; elements: { type: "button"; text: Text; url: string; style?: "primary" | "danger"; action_id: string }[] }
  | { type: "divider" };

/** Escapes the three characters Slack's mrkdwn reserves. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const cut = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);
const md = (text: string): Text => ({ type: "mrkdwn", text: cut(text, 3000) });
const plain = (text: string): Text => ({ type: "plain_text", text: cut(text, 150), emoji: true });

const MONEY_FIELDS = /^(price|currentPrice|amount|unitCost|total|value|cost|refund)$/i;

/** A value as a message shows it: money with its currency when the input names one. */
function show(key: string, v: unknown, currency: unknown): string {
  if (typeof v === "number" && MONEY_FIELDS.test(key) && typeof currency === "string" && /^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(v);
    } catch {
      return `${v} ${currency}`;
    }
  }
  if (typeof v === "number") return v.toLocaleString("en-GB");
  if (typeof v === "string") return v;
  return JSON.stringify(v);
}

/** Up to 10 "*key*\nvalue" fields: the input's numbers and short strings first. */
function inputFields(input: Record<string, unknown>): Text[] {
  const entries = Object.entries(input).filter(([k]) => k !== "currency");
  const scalar = entries.filter(([, v]) => typeof v === "number" || typeof v === "boolean" || (typeof v === "string" && v.length <= 120));
  const rest = entries.filter((e) => !scalar.includes(e));
  return [...scalar, ...rest].slice(0, 10).map(([k, v]) => md(`*${slackEscape(cut(k, 60))}*\n${slackEscape(cut(show(k, v, input.currency), 500))}`));
}

const stageText = (s: { index: number; of: number; team: string | null; expiresAt: string | null } | null) =>
  s ? `Stage ${s.index + 1} of ${s.of} · ${s.team ? `team *${slackEscape(s.team)}*` : "any approver"}${s.expiresAt ? ` · answer by <!date^${Math.floor(Date.parse(s.expiresAt) / 1000)}^{date_short_pretty} {time}|${s.expiresAt}>` : ""}` : "";

function buttons(link: string): SlackBlock {
  const at = (decide?: string) => (decide ? `${link}?decide=${decide}` : link);
  return {
    type: "actions",
    elements: [
      { type: "button", text: plain("Approve"), url: at("approve"), style: "primary", action_id: "warden_approve" },
      { type: "button", text: plain("Reject"), url: at("reject"), style: "danger", action_id: "warden_reject" },
      { type: "button", text: plain("Open in Warden"), url: at(), action_id: "warden_open" },
    ],
  };
}

type Body<E extends WebhookEvent> = { event: E; at: string; data: WebhookPayloads[E] };

/** Renders one delivery body (`{event, at, data}`) as a Slack message. */
export function slackMessage(body: { event: string; at: string; data: unknown }): SlackMessage {
  switch (body.event as WebhookEvent) {
    case "approval.requested": {
      const d = (body as Body<"approval.requested">).data;
      const who = `*${slackEscape(d.agent)}* (owner ${slackEscape(d.owner)}, cohort ${slackEscape(d.cohort)})`;
      const why = [...(d.handoff ? [`Hand-off: ${d.handoff.reason}${d.handoff.confidence !== null ? ` (confidence ${d.handoff.confidence})` : ""}`] : []), ...d.reasons.filter((r) => r.code !== "handoff").map((r) => r.message)];
      const title = d.handoff ? `${d.agent} asks for a human` : `Approval needed: ${d.action}`;
      return {
        text: slackEscape(`${title} — ${d.agent} wants ${d.action} ${d.resource}: ${why.join("; ")}`),
        blocks: [
          { type: "header", text: plain(title) },
          { type: "section", text: md(`${who} wants *${slackEscape(d.action)}*${d.resource ? ` on \`${slackEscape(d.resource)}\`` : ""}`) },
          ...(Object.keys(d.input).length ? [{ type: "section" as const, fields: inputFields(d.input) }] : []),
          { type: "section", text: md(`*Why:* ${slackEscape(why.join(" · ") || "a policy asks for a human")}`) },
          { type: "context", elements: [md(stageText(d.stage) || "Waiting for an approver")] },
          buttons(d.link),
        ],
      };
    }
    case "approval.escalated": {
      const d = (body as Body<"approval.escalated">).data;
      const from = d.from.team ?? "any approver";
      const to = d.stage.team ?? "any approver";
      const title = d.onTimeout === "approve" ? `Next stage: ${d.action}` : `Escalated to ${to}: ${d.action}`;
      return {
        text: slackEscape(`${title} — no decision from ${from} in time; ${d.agent} wants ${d.action} ${d.resource}`),
        blocks: [
          { type: "header", text: plain(title) },
          {
            type: "section",
            text: md(
              `${d.onTimeout === "approve" ? `Stage ${d.from.index + 1} (${slackEscape(from)}) passed on timeout` : `No decision from *${slackEscape(from)}* in time`}; it now waits for ${d.toFallbackTeam ? "the fallback team " : ""}*${slackEscape(to)}*.\n*${slackEscape(d.agent)}* (owner ${slackEscape(d.owner)}) wants *${slackEscape(d.action)}*${d.resource ? ` on \`${slackEscape(d.resource)}\`` : ""}`,
            ),
          },
          ...(Object.keys(d.input).length ? [{ type: "section" as const, fields: inputFields(d.input) }] : []),
          { type: "section", text: md(`*Why:* ${slackEscape(d.reasons.map((r) => r.message).join(" · ") || "a policy asks for a human")}`) },
          { type: "context", elements: [md(stageText(d.stage))] },
          buttons(d.link),
        ],
      };
    }
    case "approval.decided": {
      const d = (body as Body<"approval.decided">).data;
      const verdict = { approved: "Approved", rejected: "Rejected", expired: "Expired" }[d.status];
      const changes = d.modifiedInput?.changes.map((c) => `${c.path.replace(/^input\./, "")}: ${show(c.path.split(".").pop() ?? "", c.from, d.input.currency)} → ${show(c.path.split(".").pop() ?? "", c.to, d.input.currency)}`) ?? [];
      return {
        text: slackEscape(`${verdict}: ${d.agent} ${d.action} ${d.resource} — ${d.reason}`),
        blocks: [
          { type: "header", text: plain(`${verdict}: ${d.action}`) },
          {
            type: "section",
            text: md(`*${slackEscape(d.agent)}* · *${slackEscape(d.action)}*${d.resource ? ` on \`${slackEscape(d.resource)}\`` : ""}\n${slackEscape(d.reason)}${d.comment ? `\n> ${slackEscape(d.comment)}` : ""}`),
          },
          ...(changes.length ? [{ type: "section" as const, text: md(`*Approved with changes:* ${slackEscape(changes.join(", "))}`) }] : []),
          { type: "context", elements: [md(`${d.by === "system" ? "By Warden" : `By ${slackEscape(d.by)}`} · ${d.cause.replace("_", " ")}${d.stage && d.stage.of > 1 ? ` · at stage ${d.stage.index + 1} of ${d.stage.of}` : ""}`)] },
          { type: "actions", elements: [{ type: "button", text: plain("Open in Warden"), url: d.link, action_id: "warden_open" }] },
        ],
      };
    }
    case "cohort.halted":
    case "agent.halted":
    case "global.halted": {
      const d = (body as Body<"cohort.halted">).data;
      const what = body.event === "global.halted" ? "Everything" : `${body.event === "cohort.halted" ? "Cohort" : "Agent"} ${d.target}`;
      return {
        text: slackEscape(`${what} halted by ${d.by}: ${d.reason}`),
        blocks: [
          { type: "header", text: plain(`${what} halted`) },
          { type: "section", text: md(`*Why:* ${slackEscape(d.reason)}\n*By:* ${slackEscape(d.by)} · ${d.rejectedPending} pending action(s) rejected`) },
        ],
      };
    }
    default:
      return { text: slackEscape(`Warden: ${body.event}`), blocks: [{ type: "section", text: md(`\`${slackEscape(body.event)}\``) }] };
  }
}
