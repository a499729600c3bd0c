import { route, readTextBody, badRequest, WardenError } from "@/lib/http/index.ts";
import { draftListQuerySchema, draftQuerySchema, listKnowledgeDrafts, proposeDraft, type DraftPayload } from "@/lib/knowledge/index.ts";

/** A 100,000-record CSV is ~5 MiB; JSON a little more. */
const MAX_DRAFT_BYTES = 48 * 1024 * 1024;

export const GET = route({
  permission: "read",
  query: draftListQuerySchema,
  handler: async ({ params, query }) => ({ drafts: await listKnowledgeDrafts(params.set!, query.status) }),
});

/**
 * Proposes a change: `{upsert, delete, note?}` as JSON, or a bulk import — a CSV file
 * (`Content-Type: text/csv`) or a JSON array of records — with `?mode=merge|replace`,
 * `?source=`, `?dryRun=true` (the preview: validated and diffed, nothing stored).
 */
export const POST = route({
  permission: "knowledge:propose",
  query: draftQuerySchema,
  handler: async ({ req, principal, params, query }) => {
    const type = (req.headers.get("content-type") ?? "application/json").split(";")[0]!.trim().toLowerCase();
    const text = await readTextBody(req, MAX_DRAFT_BYTES);
    let payload: DraftPayload;
    if (type === "text/csv" || type === "application/csv") payload = { kind: "csv", text };
    else if (type === "application/json" || type.endsWith("+json")) {
      try {
        payload = { kind: "json", body: text.trim() === "" ? {} : (JSON.parse(text) as unknown) };
      } catch {
        throw badRequest("invalid_json", "The body is not valid JSON");
      }
    } else throw new WardenError("unsupported_media_type", "Send the changes as application/json, or a bulk import as text/csv or a JSON array");
    const draft = await proposeDraft({ setName: params.set!, by: { userId: principal.userId, email: principal.email }, payload, query });
    return new Response(JSON.stringify({ draft }), { status: query.dryRun ? 200 : 201, headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" } });
  },
});
