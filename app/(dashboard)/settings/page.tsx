import { ChangePasswordForm } from "@/components/change-password-form.tsx";
import { AnomalySettingsPanel } from "@/components/containment/anomaly-settings.tsx";
import { RedactionSettingsPanel } from "@/components/redaction-settings.tsx";
import { TokensPanel } from "@/components/tokens-panel.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { WebhooksPanel } from "@/components/webhooks-panel.tsx";
import { anomalySettings } from "@/lib/anomalies/index.ts";
import { can } from "@/lib/auth/index.ts";
import { redactionSettings } from "@/lib/redaction/index.ts";
import { listApiTokens } from "@/lib/tokens/index.ts";
import { listWebhooks, WEBHOOK_EVENTS } from "@/lib/webhooks/index.ts";
import { requirePrincipal } from "../../session.ts";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const p = await requirePrincipal();
  const canCreate = can(p.role, "tokens:write");
  const [tokens, webhooks, redaction, anomalies] = await Promise.all([listApiTokens(p.userId), can(p.role, "settings:write") ? listWebhooks() : null, redactionSettings(), anomalySettings()]);
  return (
    <>
      <PageHeader title="Settings" subtitle={`Signed in as ${p.email} (${p.role}).`} />
      <div className="space-y-6">
        <Panel
          title="API tokens"
          flush
          description={
            <>
              Scripts send a token as <code className="font-mono">Authorization: Bearer …</code> and act with your role.{" "}
              {canCreate ? "" : "Personal tokens are created by admins; for a 12-hour token, POST your e-mail and password to /api/login."}
            </>
          }
        >
          <TokensPanel tokens={tokens} canCreate={canCreate} />
        </Panel>
        <Panel title="Password" description="Your other signed-in sessions end when you change it; this one stays. Forgotten it? An admin can reset it under Users.">
          <ChangePasswordForm />
        </Panel>
        <Panel title="HTTP API" description="Every endpoint of both planes, with request and response shapes, errors and examples.">
          <p className="text-sm">
            <a className="font-medium underline" href="/api-reference">
              HTTP API reference
            </a>{" "}
            · <a className="underline" href="/api/openapi.json">OpenAPI 3.1 document</a>
          </p>
        </Panel>
        <Panel title="PII redaction" description="What never reaches the database: personal data in what agents send and report.">
          <RedactionSettingsPanel settings={redaction} canEdit={can(p.role, "settings:write")} />
        </Panel>
        <Panel title="Unusual access" description="An agent's hour is unusual above this factor × its 7-day hourly p99 (and at least the minimum volume); a first-time action or resource kind always is.">
          <AnomalySettingsPanel settings={anomalies} canEdit={can(p.role, "settings:write")} />
        </Panel>
        {webhooks && (
          <Panel title="Webhooks" description="Tell chat or paging tools when something needs a human or was halted.">
            <WebhooksPanel webhooks={webhooks} events={WEBHOOK_EVENTS} />
          </Panel>
        )}
      </div>
    </>
  );
}
