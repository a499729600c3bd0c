import { pool } from "../db/index.ts";

/** How people know an audit actor or subject: `name` to show, `detail` beside the id on hover. */
export type ActorLabel = { name: string; detail?: string };

/**
 * Readable names for the `user:<id>`, `agent:<id>` and `policy:<id>` strings of the audit log
 * and the records that name their author by id: a user by e-mail (name as detail), an agent
 * by name, a policy as `policy <name>`. With `refs`, only those are looked up (a page that
 * knows what it shows); without, every user, agent and policy (feeds that page on in the
 * browser). Ids, names and e-mails only: three index-only-sized reads, no presentation work.
 * Unknown or malformed refs are simply absent (the caller shows the raw id).
 */
export async function actorDirectory(refs?: Iterable<string>): Promise<Record<string, ActorLabel>> {
  const want = refs ? idsByKind(refs) : null;
  const q = <T extends object>(table: string, cols: string, ids: string[] | undefined) =>
    want ? (ids && ids.length > 0 ? pool().query<T>(`SELECT ${cols} FROM ${table} WHERE id = ANY($1::text[])`, [ids]).then((r) => r.rows) : Promise.resolve([] as T[])) : pool().query<T>(`SELECT ${cols} FROM ${table}`).then((r) => r.rows);
  const [users, agents, policies] = await Promise.all([
    q<{ id: string; name: string; email: string }>("users", "id, name, email", want?.get("user")),
    q<{ id: string; name: string }>("agents", "id, name", want?.get("agent")),
    q<{ id: string; name: string }>("policies", "id, name", want?.get("policy")),
  ]);
  const out: Record<string, ActorLabel> = { system: { name: "system", detail: "Warden itself" } };
  // E-mail, not name: unique, and what the Users page and sign-in know a person by.
  for (const u of users) out[`user:${u.id}`] = { name: u.email, detail: u.name };
  for (const a of agents) out[`agent:${a.id}`] = { name: a.name, detail: "agent" };
  for (const p of policies) out[`policy:${p.id}`] = { name: `policy ${p.name}`, detail: "policy" };
  return out;
}

function idsByKind(refs: Iterable<string>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of refs) {
    const i = r.indexOf(":");
    if (i <= 0) continue;
    const kind = r.slice(0, i);
    const list = m.get(kind) ?? [];
    list.push(r.slice(i + 1));
    m.set(kind, list);
  }
  return m;
}
