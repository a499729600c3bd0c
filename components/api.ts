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
    headers: init.body === undefined ? undefined : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const err = (json as { error?: ApiError } | undefined)?.error ?? { code: "http_error", message: `Request failed (${res.status})` };
    throw new ApiFailure(res.status, err);
  }
  return json as T;
}

export function messageOf(err: unknown): string {
  if (err instanceof ApiFailure) {
    const details = Array.isArray(err.error.details) ? (err.error.details as { path?: string; message?: string }[]) : [];
    return details.length > 1 ? `${err.error.message} (${details.map((d) => `${d.path}: ${d.message}`).join("; ")})` : err.error.message;
  }
  return err instanceof Error ? err.message : String(err);
}
