import * as setsRoute from "../../app/api/knowledge/route.ts";
import * as draftsRoute from "../../app/api/knowledge/[set]/drafts/route.ts";
import * as approveRoute from "../../app/api/knowledge/[set]/drafts/[id]/approve/route.ts";
import { call, unique, userWithToken } from "./fixtures.ts";

/** A price-floors style schema: {floor: number ≥ 0, currency: EUR|USD}. */
export const FLOOR_SCHEMA = {
  type: "object",
  properties: { floor: { type: "number", minimum: 0 }, currency: { enum: ["EUR", "USD"] } },
  required: ["floor"],
  additionalProperties: false,
};

/** An editor who proposes and an approver who publishes, with an admin who creates sets. */
export async function knowledgeTeam() {
  const [admin, editor, approver] = await Promise.all([userWithToken("admin"), userWithToken("editor"), userWithToken("approver")]);
  return { admin, editor, approver };
}

export type Team = Awaited<ReturnType<typeof knowledgeTeam>>;

export async function createSet(team: Team, over: Record<string, unknown> = {}) {
  const name = (over.name as string | undefined) ?? unique("floors");
  const res = await call(setsRoute.POST, { token: team.admin.token, body: { name, description: "test set", schema: FLOOR_SCHEMA, readers: { cohorts: [] }, maxAgeDays: 90, ...over } });
  if (res.status !== 201) throw new Error(`create set: ${res.status} ${res.text}`);
  return name;
}

/** Proposes (editor) and publishes (approver) a change; returns the published version. */
export async function publish(team: Team, set: string, body: unknown, opts: { csv?: boolean; query?: string } = {}): Promise<number> {
  const proposed = await call(draftsRoute.POST, {
    token: team.editor.token,
    path: `/api/knowledge/${set}/drafts${opts.query ?? ""}`,
    params: { set },
    ...(opts.csv ? { rawBody: body as string, headers: { "content-type": "text/csv" } } : { body }),
  });
  if (proposed.status !== 201) throw new Error(`propose: ${proposed.status} ${proposed.text}`);
  const approved = await call(approveRoute.POST, { token: team.approver.token, params: { set, id: proposed.json.draft.id }, body: {} });
  if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${approved.text}`);
  return approved.json.published.version as number;
}
