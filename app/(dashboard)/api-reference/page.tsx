import { ApiReference } from "@/components/api-reference.tsx";
import { PageHeader } from "@/components/ui/panel.tsx";

export const metadata = { title: "HTTP API reference" };

export default function ApiReferencePage() {
  return (
    <>
      <PageHeader
        title="HTTP API reference"
        subtitle={
          <>
            Agents call <code className="font-mono">/v1</code> with their agent key; scripts call <code className="font-mono">/api</code> with an API token. The machine-readable document is{" "}
            <a className="underline" href="/api/openapi.json">
              /api/openapi.json
            </a>{" "}
            (OpenAPI 3.1, no sign-in needed).
          </>
        }
      />
      <ApiReference specUrl="/api/openapi.json" />
    </>
  );
}
