"use client";

/** The error body every Warden endpoint answers with. */
export type ApiError = { code: string; message: string; details?: unknown };

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly error: ApiError,
  ) {
    super(error.message);
  }
}

/** Calls the control-plane API with the session cookie; throws ApiFailure with the server's message. */
export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    credentials: "same-origin",
    headers: init.body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    // A proxy's HTML error page, or a half-written body: report the status, not a JSON parse error.
    if (res.ok) throw new ApiFailure(res.status, { code: "bad_response", message: "The server answered something that is not JSON" });
  }
  if (!res.ok) {
    const err = (json as { error?: ApiError } | undefined)?.error ?? { code: "http_error", message: `Request failed (${res.status})` };
    throw new ApiFailure(res.status, err);
  }
  return json as T;
}

type Detail = { path?: unknown; message?: unknown };

function details(err: unknown): { path: string; message: string }[] {
  if (!(err instanceof ApiFailure) || !Array.isArray(err.error.details)) return [];
  return (err.error.details as Detail[]).filter((d) => typeof d.path === "string" && typeof d.message === "string") as { path: string; message: string }[];
}

export function messageOf(err: unknown): string {
  if (err instanceof ApiFailure) {
    const list = details(err);
    return list.length > 1 ? `${err.error.message} (${list.map((d) => `${d.path}: ${d.message}`).join("; ")})` : err.error.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Validation messages by field name (first one per field), to show beside the inputs. */
export function fieldErrorsOf(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of details(err)) out[d.path] ??= d.message;
  return out;
}
