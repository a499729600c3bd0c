"use client";

import { signIn } from "next-auth/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button.tsx";
import { ErrorText, Field, inputClass } from "@/components/ui/field.tsx";

const WRONG = "Wrong e-mail or password.";
/** next-auth carries our `rate_limited:<seconds>` (app/auth-options.ts) as the error code. */
function rateLimited(code: string | null | undefined): string | null {
  const m = /^rate_limited(?::(\d+))?$/.exec(code ?? "");
  if (!m) return null;
  const s = Number(m[1] ?? 60);
  const wait = s >= 90 ? `${Math.ceil(s / 60)} minutes` : `${s} second${s === 1 ? "" : "s"}`;
  return `Too many failed sign-ins: wait ${wait}, then try again.`;
}

/** What next-auth's ?error= codes mean to the person at the keyboard. */
function errorFromQuery(code: string | null): string | null {
  if (!code) return null;
  if (code === "CredentialsSignin") return WRONG;
  const limited = rateLimited(code);
  if (limited) return limited;
  if (code === "AccessDenied") return "This account may not sign in to Warden. Ask an admin.";
  if (code.startsWith("OAuth") || code === "Callback") return "Single sign-on failed. Try again, or use your e-mail and password.";
  return "Sign-in failed. Try again.";
}

/** Only a path on this site: "//host" and "/\host" read as another host in browsers. */
function safeTarget(next: string | null): string {
  if (!next) return "/";
  try {
    const url = new URL(next, window.location.origin);
    if (url.origin !== window.location.origin) return "/";
    const path = `${url.pathname}${url.search}${url.hash}`;
    return /^\/(?![\/\\])/.test(path) && !path.startsWith("/login") ? path : "/";
  } catch {
    return "/";
  }
}

export function LoginForm({ sso }: { sso: string | null }) {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(errorFromQuery(params.get("error")));
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const res = await signIn("credentials", { email: String(form.get("email") ?? "").trim(), password: String(form.get("password") ?? ""), redirect: false });
    if (res?.ok && !res.error) {
      router.replace(safeTarget(params.get("callbackUrl")));
      router.refresh();
      return; // stay "busy" while the dashboard loads
    }
    setBusy(false);
    setError(rateLimited(res?.error) ?? WRONG);
  }

  return (
    <div className="space-y-5">
      <form onSubmit={submit} className="space-y-4" aria-label="Sign in">
        <Field label="E-mail">
          <input name="email" type="email" required autoComplete="username" autoFocus className={inputClass} />
        </Field>
        <Field label="Password">
          <input name="password" type="password" required autoComplete="current-password" className={inputClass} />
        </Field>
        <ErrorText error={error} />
        <Button type="submit" disabled={busy} className="w-full py-2">
          {busy ? "Signing in…" : "Sign in"}
        </Button>
      </form>
      {sso && (
        <>
          <div className="flex items-center gap-3 text-xs text-slate-400">
            <span className="h-px flex-1 bg-slate-200 dark:bg-slate-800" />
            or
            <span className="h-px flex-1 bg-slate-200 dark:bg-slate-800" />
          </div>
          <Button variant="secondary" className="w-full py-2" onClick={() => void signIn("oidc", { callbackUrl: safeTarget(params.get("callbackUrl")) })}>
            {sso === "SSO" ? "Sign in with SSO" : `Sign in with SSO (${sso})`}
          </Button>
        </>
      )}
    </div>
  );
}
