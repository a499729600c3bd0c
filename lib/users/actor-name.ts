import type { SqlRunner } from "../db/index.ts";

/**
 * How a person reading a notification knows an audit actor: a user's e-mail for `user:<id>`,
 * an agent's name for `agent:<id>`, anything else (`system`) as it is.
 */
export async function actorName(run: SqlRunner, actor: string): Promise<string> {
  const [kind, id] = actor.split(":", 2);
  if (!id) return actor;
  if (kind === "user") return (await run<{ email: string }>(`SELECT email FROM users WHERE id = $1`, [id]))[0]?.email ?? actor;
  if (kind === "agent") return (await run<{ name: string }>(`SELECT name FROM agents WHERE id = $1`, [id]))[0]?.name ?? actor;
  return actor;
}
