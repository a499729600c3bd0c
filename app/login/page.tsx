import { redirect } from "next/navigation";
import { cookies } from "next/headers";
import { Suspense } from "react";
import { principalFromCookies } from "@/lib/auth/index.ts";
import { oidcConfigured, readEnv } from "@/lib/config/index.ts";
import { LoginForm } from "./login-form.tsx";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

export default async function LoginPage() {
  // Already signed in: straight to the dashboard.
  if (await principalFromCookies((await cookies()).toString())) redirect("/");
  const env = readEnv();
  return (
    <main className="relative grid min-h-screen place-items-center overflow-hidden px-4 py-12">
      <div aria-hidden className="pointer-events-none absolute inset-x-0 top-0 h-72 bg-gradient-to-b from-brand-100/70 to-transparent dark:from-brand-500/10" />
      <div className="relative w-full max-w-sm">
        <div className="mb-8 flex flex-col items-center text-center">
          <span className="grid h-11 w-11 place-items-center rounded-xl bg-gradient-to-br from-brand-500 to-brand-700 text-lg font-bold text-white shadow-md">W</span>
          <h1 className="mt-4 text-xl font-semibold tracking-tight">Sign in to Warden</h1>
          <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">The control plane for your AI agents</p>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <Suspense>
            <LoginForm sso={oidcConfigured(env) ? env.OIDC_NAME : null} />
          </Suspense>
        </div>
        <p className="mt-6 text-center text-xs text-slate-500 dark:text-slate-400">Accounts are created by a Warden admin.</p>
      </div>
    </main>
  );
}
