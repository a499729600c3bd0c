"use client";

import { signIn } from "next-auth/react";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { Button, ErrorText, Field, inputClass } from "@/components/ui/primitives.tsx";

export function LoginForm({ sso }: { sso: string | null }) {
  const router = useRouter();
  const params = useSearchParams();
  const [error, setError] = useState<string | null>(params.get("error") ? "Sign-in failed" : null);
  const [busy, setBusy] = useState(false);
  const next = params.get("callbackUrl");
  // Only paths on this site: no "//host" or "/\\host" (browsers read both as another host).
  const target = next && /^\/(?![\/\\])/.test(next) ? next : "/";

  async function submit(form: FormData) {
    setBusy(true);
    setError(null);
    const res = await signIn("credentials", { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? ""), redirect: false });
    setBusy(false);
    if (res?.ok) {
      router.replace(target);
      router.refresh();
    } else setError(res?.error === "rate_limited" ? "Too many attempts for this account: try again in 15 minutes." : "Wrong e-mail or password.");
  }

  return (
    <form action={submit} className="space-y-4">
      <Field label="E-mail">
        <input name="email" type="email" required autoComplete="username" className={inputClass} />
      </Field>
      <Field label="Password">
        <input name="password" type="password" required autoComplete="current-password" className={inputClass} />
      </Field>
      <ErrorText error={error} />
      <Button type="submit" disabled={busy} className="w-full">
        {busy ? "Signing in…" : "Sign in"}
      </Button>
      {sso && (
        <Button type="button" variant="secondary" className="w-full" onClick={() => void signIn("oidc", { callbackUrl: target })}>
          Sign in with {sso}
        </Button>
      )}
    </form>
  );
}
