import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ResultReport } from "../../sdk/src/index.ts";

const MAX_OUTPUT_BYTES = 64 * 1024; // Warden's cap on a reported output
const MAX_ERROR_CHARS = 4000; // Warden's cap on a reported error

type Content = CallToolResult["content"][number];

/**
 * What Warden records about an upstream's answer (`POST /v1/actions/{id}/result`): a tool
 * result with `isError` is `failed` with its text as the error, anything else `succeeded`.
 * The output is `{content, structuredContent?}` with binary payloads (images, audio, blobs)
 * replaced by their type and size; when it is still over Warden's 64 KiB cap it becomes
 * `{truncated: true, bytes, contentTypes}` so post-checks can tell.
 */
export function reportOfResult(result: CallToolResult): ResultReport {
  const content = (result.content ?? []).map(withoutBinary);
  const doc: Record<string, unknown> = { content };
  if (result.structuredContent !== undefined) doc.structuredContent = result.structuredContent;
  const text = JSON.stringify(doc);
  const bytes = Buffer.byteLength(text);
  const output = bytes <= MAX_OUTPUT_BYTES ? doc : { truncated: true, bytes, contentTypes: [...new Set(content.map((c) => c.type))] };
  if (!result.isError) return { status: "succeeded", output };
  const said = content.flatMap((c) => (c.type === "text" && typeof c.text === "string" ? [c.text] : [])).join("\n");
  return { status: "failed", output, error: clip(said || "the tool reported an error (isError) without text") };
}

/** A call that produced no result: the upstream failed or the connection died. */
export function reportOfFailure(message: string): ResultReport {
  return { status: "failed", error: clip(message) };
}

function withoutBinary(c: Content): Content | Record<string, unknown> {
  if ((c.type === "image" || c.type === "audio") && typeof c.data === "string") return { type: c.type, mimeType: c.mimeType, bytes: base64Bytes(c.data) };
  if (c.type === "resource" && "blob" in c.resource && typeof c.resource.blob === "string") {
    const { blob, ...rest } = c.resource;
    return { type: c.type, resource: { ...rest, bytes: base64Bytes(blob) } };
  }
  return c;
}

const base64Bytes = (b64: string) => Math.floor((b64.replace(/=+$/, "").length * 3) / 4);

function clip(text: string): string {
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS - 1)}…` : text;
}
