import { errorResponse, json } from "@/lib/http/index.ts";
import { openApiDocument } from "@/lib/openapi/index.ts";

export const dynamic = "force-dynamic";

/** `GET /api/openapi.json` (no authentication): the OpenAPI 3.1 document of this Warden. */
export async function GET(): Promise<Response> {
  try {
    return json(openApiDocument(), 200, { "cache-control": "public, max-age=300" });
  } catch (err) {
    return errorResponse(err);
  }
}
