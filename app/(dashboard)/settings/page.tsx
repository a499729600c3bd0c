import { TokensPanel } from "@/components/tokens-panel.tsx";
import { Card, PageHeader } from "@/components/ui/primitives.tsx";
import { can } from "@/lib/auth/index.ts";
import { listApiTokens } from "@/lib/tokens/index.ts";
import { listWebhooks } from "@/lib/webhooks/index.ts";
import { WebhooksPanel } from "@/components/webhooks-panel.tsx";
import { requirePrincipal } from "../../session.ts";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const p = await requirePrincipal();
  const tokens = await listApiTokens(p.userId);
  const webhooks = can(p.role, "settings:write") ? await listWebhooks() : null;
  return (
    <>
      <PageHeader title="Settings" subtitle={`Signed in as ${p.email} (${p.role}).`} />
      <Card title="API tokens">
        <p className="mb-4 text-sm text-slate-500">
          Tokens let scripts call <code>/api/*</code> with your role. {can(p.role, "tokens:write") ? "" : "Personal tokens are created by admins; any user can get a 12-hour token with POST /api/login."}
        </p>
        <TokensPanel tokens={tokens} canCreate={can(p.role, "tokens:write")} />
      </Card>
      {webhooks && (
        <Card title="Webhooks" className="mt-6">
          <WebhooksPanel webhooks={webhooks} />
        </Card>
      )}
    </>
  );
}
