import Link from "next/link";
import { ChangePasswordForm, SignOutButton } from "@/components/change-password-form.tsx";
import { Providers } from "@/components/providers.tsx";
import { requireSignedIn } from "../session.ts";

export const dynamic = "force-dynamic";
export const metadata = { title: "Set a new password" };

/**
 * Where a user signed in with a temporary password lands (app/session.ts sends every
 * dashboard page here until a new one is set). Without a temporary password it is the same
 * form as Settings → Password.
 */
export default async function ChangePasswordPage() {
  const p = await requireSignedIn();
  return (
    <Providers>
      <main className="grid min-h-screen place-items-center px-4 py-12">
        <div className="w-full max-w-md">
          <div className="mb-6 text-center">
            <h1 className="text-xl font-semibold tracking-tight">{p.mustChangePassword ? "Set a new password" : "Change your password"}</h1>
            <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">
              {p.mustChangePassword
                ? `${p.email}: an admin reset your password. Choose your own before using Warden; the temporary one stops working.`
                : `Signed in as ${p.email}.`}
            </p>
          </div>
          <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
            <ChangePasswordForm forced={p.mustChangePassword === true} />
          </div>
          <p className="mt-6 text-center text-xs text-slate-500 dark:text-slate-400">
            {p.mustChangePassword ? (
              <SignOutButton />
            ) : (
              <Link className="underline" href="/">Back to the dashboard</Link>
            )}
          </p>
        </div>
      </main>
    </Providers>
  );
}
