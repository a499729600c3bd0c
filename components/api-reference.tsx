"use client";

import { useEffect, useRef, useState } from "react";
import "swagger-ui-dist/swagger-ui.css";

/**
 * The HTTP API reference: Swagger UI (swagger-ui-dist, bundled into our own assets — no CDN,
 * works offline) rendering the document this Warden serves at `specUrl`.
 */
export function ApiReference({ specUrl }: { specUrl: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    import("swagger-ui-dist/swagger-ui-bundle.js")
      .then(({ default: SwaggerUIBundle }) => {
        if (cancelled || !host.current) return;
        SwaggerUIBundle({
          url: specUrl,
          domNode: host.current,
          validatorUrl: null, // no badge from validator.swagger.io: nothing leaves this origin
          deepLinking: true,
          docExpansion: "list",
          defaultModelsExpandDepth: 0,
          displayRequestDuration: true,
          tryItOutEnabled: false,
        });
      })
      .catch((err: unknown) => setFailed(err instanceof Error ? err.message : String(err)));
    return () => {
      cancelled = true;
    };
  }, [specUrl]);
  if (failed) return <p className="text-sm text-red-700">The reference could not be shown: {failed}</p>;
  return <div ref={host} data-testid="api-reference" className="rounded-lg bg-white" />;
}
