import http from "node:http";
import type { AddressInfo } from "node:net";
import { registerAgent } from "../../lib/agents/index.ts";
import { handleDataPlane } from "../../lib/dataplane/index.ts";
import { unique } from "./fixtures.ts";

/** The /v1 data plane on a loopback port, as server.ts mounts it. */
export async function startDataPlane(): Promise<{ base: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => void handleDataPlane(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export async function newAgent(over: { cohort?: string; name?: string; owner?: string } = {}) {
  const { agent, apiKey, keyId } = await registerAgent({
    input: { name: over.name ?? unique("agent"), cohort: over.cohort ?? unique("cohort"), owner: over.owner ?? "owner@test.example", riskTier: "medium" },
    actor: "system",
    createdById: null,
  });
  return { agent, apiKey, keyId };
}

export function client(base: string, apiKey: string) {
  const req = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : undefined) as any };
  };
  return {
    ask: (body: unknown, headers?: Record<string, string>) => req("POST", "/v1/actions", body, headers),
    get: (id: string, wait = 0) => req("GET", `/v1/actions/${id}?wait=${wait}`),
    result: (id: string, body: unknown) => req("POST", `/v1/actions/${id}/result`, body),
    raw: req,
  };
}
