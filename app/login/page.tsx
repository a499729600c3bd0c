import { Suspense } from "react";
import { oidcConfigured, readEnv } from "@/lib/config/env.ts";
import { LoginForm } from "./login-form.tsx";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

export default function LoginPage() {
  const env = readEnv();
  return (
    <main className="grid min-h-screen place-items-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex items-center gap-2">
          <span className="grid h-9 w-9 place-items-center rounded-lg bg-brand-600 font-bold text-white">W</span>
          <div>
            <h1 className="text-xl font-semibold">Sign in to Warden</h1>
            <p className="text-sm text-slate-500">The control plane for your AI agents</p>
          </div>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <Suspense>
            <LoginForm sso={oidcConfigured(env) ? env.OIDC_NAME : null} />
          </Suspense>
        </div>
      </div>
    </main>
  );
}
