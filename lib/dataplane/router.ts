import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticateAgent, identityCache, keyUse, type AgentIdentity } from "../agents/index.ts";
import { actionRequestSchema, decideAction, MAX_ACTION_BODY_BYTES, MAX_RESULT_BODY_BYTES, readAction, reportResult, resultSchema, waitQuerySchema } from "../decisions/index.ts";
import { WardenError } from "../errors/index.ts";
import { readRecordForAgent, readSinceForAgent, sinceQuerySchema } from "../knowledge/index.ts";
import { releaseForKey, releaseQuerySchema } from "../releases/index.ts";
import { assertDecodableTarget } from "../validation/index.ts";
import { decisionAdmission } from "./admission.ts";
import { bearer, readBody, send, sendError, sendVersioned } from "./respond.ts";

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new WardenError("invalid_key", "The key is not valid percent-encoded UTF-8");
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse, agent: AgentIdentity, params: string[], query: URLSearchParams) => Promise<void>;

/** A data-plane route: `path` is its OpenAPI template (lib/dataplane/openapi.ts documents it). */
type DataPlaneRoute = { method: string; path: string; pattern: RegExp; handler: Handler };

const routes: DataPlaneRoute[] = [
  {
    method: "POST",
    path: "/v1/actions",
    pattern: /^\/v1\/actions$/,
    handler: async (req, res, agent) => {
      const request = actionRequestSchema.parse(await readBody(req, MAX_ACTION_BODY_BYTES));
      const header = req.headers["idempotency-key"];
      const headerKey = typeof header === "string" && header.length > 0 ? header : null;
      if (headerKey && headerKey.length > 255) throw new WardenError("validation_failed", "Idempotency-Key: at most 255 characters");
      // At most WARDEN_DECISION_CONCURRENCY decisions in decide/commit at once (admission.ts).
      // A request whose client closed the connection while it waited leaves the queue undecided.
      const gone = new AbortController();
      const onClose = () => {
        if (!res.writableEnded) gone.abort();
      };
      res.once("close", onClose);
      try {
        await decisionAdmission().run(async () => send(res, 200, await decideAction({ agent, request, idempotencyKey: headerKey })), gone.signal);
      } finally {
        res.off("close", onClose);
      }
    },
  },
  {
    method: "GET",
    path: "/v1/actions/{id}",
    pattern: /^\/v1\/actions\/([A-Za-z0-9_]{1,64})$/,
    handler: async (_req, res, agent, [id], query) => {
      const { wait } = waitQuerySchema.parse(Object.fromEntries(query));
      send(res, 200, await readAction({ agentId: agent.agentId, id: id!, waitSeconds: wait }));
    },
  },
  {
    method: "POST",
    path: "/v1/actions/{id}/result",
    pattern: /^\/v1\/actions\/([A-Za-z0-9_]{1,64})\/result$/,
    handler: async (req, res, agent, [id]) => {
      const report = resultSchema.parse(await readBody(req, MAX_RESULT_BODY_BYTES));
      send(res, 200, await reportResult({ agent, actionId: id!, report }));
    },
  },
  {
    method: "GET",
    path: "/v1/agent/release",
    pattern: /^\/v1\/agent\/release$/,
    handler: async (req, res, agent, _params, query) => {
      const { key } = releaseQuerySchema.parse(Object.fromEntries(query));
      const { json, etag } = await releaseForKey(agent.agentId, key);
      // The agent may keep the answer; it revalidates with If-None-Match (304 when unchanged).
      const match = req.headers["if-none-match"];
      if (typeof match === "string" && match.split(",").some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) {
        res.writeHead(304, { etag, "cache-control": "private, no-cache" });
        res.end();
        return;
      }
      res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(json), etag, "cache-control": "private, no-cache" });
      res.end(json);
    },
  },
  {
    method: "GET",
    path: "/v1/knowledge/{set}",
    pattern: /^\/v1\/knowledge\/([^/]+)$/,
    handler: async (req, res, agent, [set], query) => {
      const q = sinceQuerySchema.parse(Object.fromEntries(query));
      sendVersioned(req, res, await readSinceForAgent({ agent, setName: decodeSegment(set!), since: q.since, cursor: q.cursor, limit: q.limit }));
    },
  },
  {
    method: "GET",
    path: "/v1/knowledge/{set}/{key}",
    pattern: /^\/v1\/knowledge\/([^/]+)\/(.+)$/,
    handler: async (req, res, agent, [set, key]) => {
      sendVersioned(req, res, await readRecordForAgent({ agent, setName: decodeSegment(set!), key: decodeSegment(key!) }));
    },
  },
  {
    method: "GET",
    path: "/v1/agent",
    pattern: /^\/v1\/agent$/,
    handler: async (req, res) => {
      // Read fresh (not from the identity cache): a halt must show here at once.
      const agent = await authenticateAgent(bearer(req) ?? "");
      if (!agent) throw new WardenError("unauthorized", "Unknown or revoked agent key");
      send(res, 200, {
        id: agent.id,
        name: agent.name,
        cohort: agent.cohort,
        owner: agent.owner,
        riskTier: agent.riskTier,
        status: agent.status,
        ...(agent.haltReason ? { haltReason: agent.haltReason } : {}),
        ...(agent.circuitReason ? { circuitReason: agent.circuitReason, breaker: agent.breaker } : {}),
        // null = unrestricted, [] = nothing granted (lib/grants).
        capabilities: agent.capabilities,
      });
    },
  },
];

/** Every data-plane route as `{method, path}` (OpenAPI templates): what the document must cover. */
export function dataPlaneRoutes(): { method: string; path: string }[] {
  return routes.map(({ method, path }) => ({ method, path }));
}

/**
 * The agents' API (`/v1/*`): plain node:http handlers on the same `lib/` functions the
 * dashboard uses, without Next.js's per-request overhead.
 */
export async function handleDataPlane(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    assertDecodableTarget(req.url ?? "/");
    const url = new URL(req.url ?? "/", "http://localhost");
    const path = url.pathname;
    const matching = routes.filter((r) => r.pattern.test(path));
    if (matching.length === 0) throw new WardenError("not_found", `No endpoint ${path}`);
    const route = matching.find((r) => r.method === req.method);
    if (!route) {
      res.setHeader("allow", matching.map((r) => r.method).join(", "));
      throw new WardenError("method_not_allowed", `${req.method} is not supported on ${path}`);
    }
    const secret = bearer(req);
    if (!secret) throw new WardenError("unauthorized", "Send the agent key as `Authorization: Bearer wdn_…`");
    const agent = await identityCache().resolve(secret);
    if (!agent) throw new WardenError("unauthorized", "Unknown or revoked agent key");
    // "Last used" on the agent's keys page: a Map lookup here, a batched UPDATE later (key-use.ts).
    keyUse().note(agent.keyId);
    const params = route.pattern.exec(path)!.slice(1);
    await route.handler(req, res, agent, params, url.searchParams);
  } catch (err) {
    if (!res.headersSent) sendError(res, err);
    else res.destroy();
  }
}
