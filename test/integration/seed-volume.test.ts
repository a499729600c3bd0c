import { beforeAll, describe, expect, it } from "vitest";
import { audit, verifyAuditChain } from "../../lib/audit/index.ts";
import { pool } from "../../lib/db/index.ts";
import { redactionKey, redactorFor } from "../../lib/redaction/index.ts";
import { DEFAULT_REDACTION_RULES } from "../../lib/redaction/index.ts";
import { seedDemo } from "../../lib/seed/index.ts";
import { parseVolumeArgs, seedVolume, type VolumeResult } from "../../scripts/seed-volume/index.ts";

const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await pool().query(sql, params)).rows as T[];
const one = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await q<T>(sql, params))[0]!;

describe("seed:volume", () => {
  let res: VolumeResult;
  let eventsBefore = 0;
  const calls = { input: 0, context: 0, output: 0 };

  beforeAll(async () => {
    await seedDemo("correct horse battery staple");
    eventsBefore = (await one<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events`)).n;
    res = await seedVolume({
      events: 3000,
      days: 3,
      agents: 20,
      seed: 1234,
      chunkSize: 700, // several transactions, so events carry over between chunks
      redact: (root, value) => {
        calls[root]++;
        if (root === "input" && value && typeof value === "object" && "orderId" in value) return { ...value, orderId: "[redacted:order]" };
        if (root === "context" && value && typeof value === "object" && "customerEmail" in value) return { ...value, customerEmail: "[redacted:email]" };
        return value;
      },
    });
  }, 120_000);

  it("writes exactly the actions asked for, in the window, spread over at least the agents asked for", async () => {
    expect(res.actions).toBe(3000);
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM actions`)).n).toBe(3000);
    const w = await one<{ min: Date; max: Date }>(`SELECT min(created_at) AS min, max(created_at) AS max FROM actions`);
    expect(w.min.getTime()).toBeGreaterThanOrEqual(res.from.getTime());
    expect(w.max.getTime()).toBeLessThanOrEqual(res.to.getTime());
    expect(w.max.getTime() - w.min.getTime()).toBeGreaterThan(2.5 * 86_400_000);
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM agents`)).n).toBe(20);
    // The new agents were registered through the product (audited), in the known cohorts.
    const registered = await one<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE kind = 'agent.registered'`);
    expect(registered.n).toBe(20);
    const cohorts = await q<{ cohort: string }>(`SELECT DISTINCT cohort FROM actions ORDER BY cohort`);
    expect(cohorts.map((c) => c.cohort)).toEqual(["customer-service", "inventory", "pricing", "stylist"]);
    const busiest = await one<{ share: number }>(`SELECT max(n)::float / sum(n) AS share FROM (SELECT count(*) AS n FROM actions GROUP BY agent_id) s`);
    expect(busiest.share).toBeGreaterThan(1 / 20); // skewed, not uniform
    const seeded = await one<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE kind LIKE 'action.%' OR kind LIKE 'approval.%'`);
    expect(res.auditEvents).toBe(seeded.n);
  });

  it("gives every action exactly one action.decided event that matches it", async () => {
    const bad = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM actions a
        WHERE (SELECT count(*) FROM audit_events e WHERE e.kind = 'action.decided' AND e.subject = 'action:' || a.id
                 AND e.agent_id = a.agent_id AND e.cohort = a.cohort AND e.actor = 'agent:' || a.agent_id
                 AND e.data->>'requestHash' = a.request_hash AND e.data->>'action' = a.action) <> 1`,
    );
    expect(bad.n).toBe(0);
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM audit_events WHERE kind = 'action.decided'`)).n).toBe(3000);
    const ratio = res.auditEvents / res.actions;
    expect(ratio).toBeGreaterThan(1.8);
    expect(ratio).toBeLessThan(2.2);
  });

  it("has every settled status, a realistic mix, and settlement times consistent with each", async () => {
    const mix = Object.fromEntries((await q<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM actions GROUP BY status`)).map((r) => [r.status, r.n]));
    expect(Object.keys(mix).sort()).toEqual(["ALLOWED", "APPROVED", "DENIED", "EXPIRED", "REJECTED"]);
    expect(mix.ALLOWED! / 3000).toBeGreaterThan(0.8);
    expect(mix.DENIED! / 3000).toBeGreaterThan(0.05);
    expect(mix.DENIED! / 3000).toBeLessThan(0.11);
    const wrong = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM actions
        WHERE decided_at IS NULL OR decided_at < created_at
           OR (status IN ('APPROVED', 'REJECTED', 'EXPIRED')) <> (expires_at IS NOT NULL AND quorum IS NOT NULL)
           OR request_hash !~ '^[0-9a-f]{64}$'`,
    );
    expect(wrong.n).toBe(0);
    // Denials and approvals name the real policies that caused them.
    const policyReasons = await one<{ n: number; named: number }>(
      `SELECT count(*)::int AS n,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(a.reasons) r JOIN policies p ON p.id = r->>'policyId'
                                              WHERE r->>'policyName' = p.name AND (r->>'policyVersion')::int = p.version AND r->>'code' = 'policy'))::int AS named
         FROM actions a WHERE status <> 'ALLOWED'`,
    );
    expect(policyReasons.named).toBe(policyReasons.n);
    const versions = await one<{ n: number }>(`SELECT count(*)::int AS n FROM actions WHERE status <> 'ALLOWED' AND jsonb_array_length(policy_versions) = 0`);
    expect(versions.n).toBe(0);
  });

  it("records results only for allowed and approved actions, each with its audit event", async () => {
    const stray = await one<{ n: number }>(`SELECT count(*)::int AS n FROM actions WHERE result_status IS NOT NULL AND status NOT IN ('ALLOWED', 'APPROVED')`);
    expect(stray.n).toBe(0);
    const r = await one<{ n: number; ok: number; failed: number; flagged: number; eligible: number }>(
      `SELECT count(*) FILTER (WHERE result_status IS NOT NULL)::int AS n, count(*) FILTER (WHERE result_status = 'SUCCEEDED' AND result_output IS NOT NULL)::int AS ok,
              count(*) FILTER (WHERE result_status = 'FAILED' AND result_error IS NOT NULL AND result_output IS NULL)::int AS failed,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(flags) f WHERE NOT (f ? 'shadow')))::int AS flagged,
              count(*) FILTER (WHERE status IN ('ALLOWED', 'APPROVED'))::int AS eligible
         FROM actions`,
    );
    expect(r.n / r.eligible).toBeGreaterThan(0.9);
    expect(r.ok + r.failed).toBe(r.n);
    expect(r.failed).toBeGreaterThan(0);
    expect(r.flagged).toBeGreaterThan(0);
    const unmatched = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM actions a WHERE a.result_status IS NOT NULL AND (
         SELECT count(*) FROM audit_events e WHERE e.subject = 'action:' || a.id
            AND e.kind = CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements(a.flags) f WHERE NOT (f ? 'shadow')) THEN 'action.flagged' ELSE 'action.result_reported' END
            AND e.data->>'status' = lower(a.result_status::text) AND e.at >= a.result_at) <> 1`,
    );
    expect(unmatched.n).toBe(0);
    const orphanResults = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events e JOIN actions a ON 'action:' || a.id = e.subject
        WHERE e.kind IN ('action.result_reported', 'action.flagged') AND a.result_status IS NULL`,
    );
    expect(orphanResults.n).toBe(0);
  });

  it("settles pending actions the way approvers and the timeout do", async () => {
    const approved = await one<{ n: number; bad: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE
          (SELECT count(*) FROM approvals v JOIN users u ON u.id = v.user_id WHERE v.action_id = a.id AND v.vote = 'APPROVE' AND u.role IN ('APPROVER', 'ADMIN')) <> a.quorum
          OR (SELECT count(*) FROM audit_events e WHERE e.subject = 'action:' || a.id AND e.kind = 'action.approved') <> 1
          OR (SELECT count(*) FROM audit_events e WHERE e.subject = 'action:' || a.id AND e.kind = 'approval.granted') <> a.quorum
          OR a.decided_at > a.expires_at)::int AS bad
         FROM actions a WHERE status = 'APPROVED'`,
    );
    expect(approved.n).toBeGreaterThan(0);
    expect(approved.bad).toBe(0);
    const rejected = await one<{ n: number; bad: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE
          (SELECT count(*) FROM approvals v WHERE v.action_id = a.id AND v.vote = 'REJECT') <> 1
          OR (SELECT count(*) FROM audit_events e WHERE e.subject = 'action:' || a.id AND e.kind IN ('approval.refused', 'action.rejected')) <> 2
          OR NOT (a.reasons->-1->>'message' LIKE 'Rejected by %'))::int AS bad
         FROM actions a WHERE status = 'REJECTED'`,
    );
    expect(rejected.n).toBeGreaterThan(0);
    expect(rejected.bad).toBe(0);
    const expired = await one<{ n: number; bad: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE
          EXISTS (SELECT 1 FROM approvals v WHERE v.action_id = a.id)
          OR (SELECT count(*) FROM audit_events e WHERE e.subject = 'action:' || a.id AND e.kind = 'action.expired' AND e.actor = 'system') <> 1
          OR a.decided_at < a.expires_at
          OR a.reasons->-1->>'message' <> 'No decision before the approval timed out')::int AS bad
         FROM actions a WHERE status = 'EXPIRED'`,
    );
    expect(expired.n).toBeGreaterThan(0);
    expect(expired.bad).toBe(0);
    const followUpsOnOthers = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events e JOIN actions a ON 'action:' || a.id = e.subject
        WHERE e.kind IN ('approval.granted', 'approval.refused', 'action.approved', 'action.rejected', 'action.expired') AND a.status IN ('ALLOWED', 'DENIED')`,
    );
    expect(followUpsOnOthers.n).toBe(0);
  });

  it("writes the seeded audit log in time order, and the chain verifies", async () => {
    const disorder = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT at, lag(at) OVER (ORDER BY seq) AS prev FROM audit_events WHERE kind LIKE 'action.%' OR kind LIKE 'approval.%') s WHERE at < prev`,
    );
    expect(disorder.n).toBe(0);
    const v = await verifyAuditChain();
    // Before the seeding, 2 events per registered agent (agent.registered, agent_key.created), the seeded ones.
    expect(v).toMatchObject({ ok: true, events: eventsBefore + 2 * 8 + res.auditEvents });
  });

  it("passes every input, context and output through the redact hook before storing it", async () => {
    expect(calls.input).toBe(3000);
    expect(calls.context).toBe(3000);
    expect(calls.output).toBe((await one<{ n: number }>(`SELECT count(*)::int AS n FROM actions WHERE result_output IS NOT NULL`)).n);
    const orders = await one<{ n: number; raw: number }>(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE input->>'orderId' <> '[redacted:order]')::int AS raw FROM actions WHERE action LIKE 'orders.%'`,
    );
    expect(orders.n).toBeGreaterThan(0);
    expect(orders.raw).toBe(0);
    const emails = await one<{ n: number; raw: number }>(
      `SELECT count(*) FILTER (WHERE context ? 'customerEmail')::int AS n, count(*) FILTER (WHERE context->>'customerEmail' LIKE '%@%')::int AS raw FROM actions`,
    );
    expect(emails.n).toBeGreaterThan(0);
    expect(emails.raw).toBe(0);
  });

  it("continues the chains on a second run after other writers, redacting like the product", async () => {
    await audit({ actor: "system", kind: "test.between", subject: "thing:1", data: { note: "written between two seeding runs" } });
    const again = await seedVolume({ events: 600, days: 1, agents: 20, seed: 99, chunkSize: 150, redactor: () => redactorFor(DEFAULT_REDACTION_RULES, redactionKey()) });
    expect(again.actions).toBe(600);
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM actions`)).n).toBe(3600);
    const v = await verifyAuditChain();
    expect(v).toMatchObject({ ok: true, events: eventsBefore + 2 * 8 + res.auditEvents + 1 + again.auditEvents });
    // The product's redactor: no raw e-mail or phone number is stored, and the decided events list what was replaced.
    const second = `SELECT substring(subject FROM 8) FROM audit_events WHERE kind = 'action.decided' AND seq > (SELECT seq FROM audit_events WHERE kind = 'test.between')`;
    const leaks = await one<{ all: number; n: number; marked: number }>(
      `SELECT count(*)::int AS all, count(*) FILTER (WHERE (input::text || context::text || coalesce(result_output::text, '')) ~ '@example\\.|\\+(33|39|44|1) ')::int AS n,
              count(*) FILTER (WHERE context::text LIKE '%[redacted:email:%')::int AS marked
         FROM actions WHERE id IN (${second})`,
    );
    expect(leaks.all).toBe(600);
    const firstRun = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM actions WHERE id NOT IN (${second}) AND (input::text || context::text) ~ '@example\\.|\\+(33|39|44|1) '`,
    );
    expect(firstRun.n).toBeGreaterThan(0); // the same search finds what the plain hook of the first run left
    expect(leaks.n).toBe(0);
    expect(leaks.marked).toBeGreaterThan(0);
    const listed = await one<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events e JOIN actions a ON e.subject = 'action:' || a.id
        WHERE e.kind = 'action.decided' AND a.id IN (${second}) AND a.context::text LIKE '%[redacted:email:%'
          AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(e.data->'redactions') r WHERE r->>'kind' = 'email' AND r->>'path' LIKE 'context.%')`,
    );
    expect(listed.n).toBe(0);
  });
});

describe("seed:volume arguments", () => {
  it("defaults to a million actions over 30 days across 60 agents", () => {
    expect(parseVolumeArgs([])).toEqual({ events: 1_000_000, days: 30, agents: 60, seed: undefined, help: false });
    expect(parseVolumeArgs(["--events", "2500", "--days", "7", "--agents", "12", "--seed", "42"])).toEqual({ events: 2500, days: 7, agents: 12, seed: 42, help: false });
    expect(parseVolumeArgs(["--events=1_000_000", "--days", "0.5"])).toMatchObject({ events: 1_000_000, days: 0.5 });
  });

  it.each([
    [["--events", "0"], /--events must be between 1/],
    [["--events", "-5"], /--events/],
    [["--events", "abc"], /--events must be a whole number/],
    [["--events", "1.5"], /--events must be a whole number/],
    [["--events", "1e6"], /--events must be a whole number/],
    [["--events", "100000001"], /--events must be between/],
    [["--events"], /--events/],
    [["--days", "0"], /--days/],
    [["--days", "soon"], /--days/],
    [["--agents", "0"], /--agents/],
    [["--seed", "-1"], /--seed/],
    [["--eventz", "10"], /eventz/],
    [["10"], /positional|Unexpected argument/i],
  ])("refuses %j", (argv, message) => {
    expect(() => parseVolumeArgs(argv)).toThrow(message);
  });
});
