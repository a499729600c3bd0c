"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { useMutation } from "@tanstack/react-query";
import { signOut } from "next-auth/react";
import { api, fieldErrorsOf, messageOf } from "./api.ts";
import { Button } from "./ui/button.tsx";
import { ErrorText, Field, inputClass } from "./ui/field.tsx";
import { submitWith } from "./submit-with.ts";

type Answer = { sessionsEnded: number; tokensRevoked: number };

/**
 * Change my password (`POST /api/me/password`), giving the current one. `forced`: the user
 * signed in with a temporary password and goes on to the dashboard once it is replaced.
 */
export function ChangePasswordForm({ forced = false }: { forced?: boolean }) {
  const router = useRouter();
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState<Answer | null>(null);
  const m = useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) => api<Answer>("/api/me/password", { body }),
    onSuccess: (r) => {
      if (forced) router.replace("/");
      else {
        setDone(r);
        router.refresh();
      }
    },
  });
  const fields = m.error ? fieldErrorsOf(m.error) : {};
  return (
    <form
      aria-label="Change password"
      className="max-w-md space-y-3"
      onSubmit={submitWith((f, form) => {
        const newPassword = String(f.get("newPassword") ?? "");
        setDone(null);
        if (newPassword !== String(f.get("confirm") ?? "")) return setMismatch(true);
        setMismatch(false);
        m.mutate({ currentPassword: String(f.get("currentPassword") ?? ""), newPassword }, { onSuccess: () => form.reset() });
      })}
    >
      <Field label={forced ? "Temporary password" : "Current password"} error={fields.currentPassword}>
        <input name="currentPassword" type="password" required autoComplete="current-password" className={inputClass} />
      </Field>
      <Field label="New password" hint="At least 12 characters." error={fields.newPassword}>
        <input name="newPassword" type="password" required minLength={12} maxLength={256} autoComplete="new-password" className={inputClass} />
      </Field>
      <Field label="Repeat the new password" error={mismatch ? "The two new passwords differ" : null}>
        <input name="confirm" type="password" required autoComplete="new-password" className={inputClass} />
      </Field>
      <ErrorText error={m.error ? messageOf(m.error) : null} />
      {done && (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-500/10 dark:text-emerald-300">
          Password changed.{" "}
          {done.sessionsEnded > 0 ? `Signed out ${done.sessionsEnded} other ${done.sessionsEnded === 1 ? "session" : "sessions"}; ` : "No other sessions were open; "}
          this one stays signed in.
          {done.tokensRevoked > 0 ? ` ${done.tokensRevoked} command-line login ${done.tokensRevoked === 1 ? "token was" : "tokens were"} revoked.` : ""}
        </p>
      )}
      <Button type="submit" disabled={m.isPending}>
        {m.isPending ? "Saving…" : forced ? "Set new password" : "Change password"}
      </Button>
    </form>
  );
}

/** Leave without setting a password (the session ends on the server, as from the menu). */
export function SignOutButton() {
  return (
    <button type="button" className="underline" onClick={() => void signOut({ callbackUrl: "/login" })}>
      Sign out instead
    </button>
  );
}
