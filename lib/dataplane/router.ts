import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateAgent } from "../agents/index.ts";
import { WardenError } from "../http/errors.ts";
import { bearer, send, sendError } from "./respond.ts";

type Agent = NonNullable<Awaited<ReturnType<typeof authenticateAgent>>>;
type Handler = (req: IncomingMessage, res: ServerResponse, agent: Agent, params: string[]) => Promise<void>;

const routes: { method: string; pattern: RegExp; handler: Handler }[] = [
  {
    method: "GET",
    pattern: /^\/v1\/agent$/,
    handler: async (_req, res, agent) => {
      send(res, 200, {
        id: agent.id,
        name: agent.name,
        cohort: agent.cohort,
        owner: agent.owner,
        riskTier: agent.riskTier,
        status: agent.status,
        ...(agent.haltReason ? { haltReason: agent.haltReason } : {}),
      });
    },
  },
];

/**
 * The agents' API (`/v1/*`): plain node:http handlers on the same `lib/` functions the
 * dashboard uses, without Next.js's per-request overhead.
 */
export async function handleDataPlane(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const path = (req.url ?? "/").split("?")[0]!;
    const matching = routes.filter((r) => r.pattern.test(path));
    if (matching.length === 0) throw new WardenError(404, "not_found", `No endpoint ${path}`);
    const route = matching.find((r) => r.method === req.method);
    if (!route) {
      res.setHeader("allow", matching.map((r) => r.method).join(", "));
      throw new WardenError(405, "method_not_allowed", `${req.method} is not supported on ${path}`);
    }
    const secret = bearer(req);
    if (!secret) throw new WardenError(401, "unauthorized", "Send the agent key as `Authorization: Bearer wdn_…`");
    const agent = await authenticateAgent(secret);
    if (!agent) throw new WardenError(401, "unauthorized", "Unknown or revoked agent key");
    const params = route.pattern.exec(path)!.slice(1);
    await route.handler(req, res, agent, params);
  } catch (err) {
    if (!res.headersSent) sendError(res, err);
    else res.destroy();
  }
}
