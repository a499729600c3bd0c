import { apiNotFound } from "@/lib/http/index.ts";

// Any /api path no other route serves: a JSON 404 (every /api error has the JSON error
// shape), whatever the method — not Next's HTML not-found page.
export const GET = apiNotFound;
export const HEAD = apiNotFound;
export const POST = apiNotFound;
export const PUT = apiNotFound;
export const PATCH = apiNotFound;
export const DELETE = apiNotFound;
export const OPTIONS = apiNotFound;
