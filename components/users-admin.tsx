"use client";

import { Fragment, useState } from "react";
import type { UserListItem } from "@/lib/users/index.ts";
import { api } from "./api.ts";
import { Badge, StatusBadge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { ErrorText, Field, inputClass } from "./ui/field.tsx";
import { OneTimeSecret } from "./ui/one-time-secret.tsx";
import { ConfirmRevokeRow } from "./ui/confirm-row.tsx";
import { Table, Td } from "./ui/table.tsx";
import { Time } from "./ui/time.tsx";
import { submitWith } from "./submit-with.ts";
import { useApiMutation } from "./use-api-mutation.ts";

const ROLES = ["viewer", "operator", "editor", "approver", "admin"] as const;
const ROLE_HINTS: Record<(typeof ROLES)[number], string> = {
  viewer: "reads everything",
  operator: "+ registers agents, halts",
  editor: "+ proposes knowledge changes",
  approver: "+ decides approvals, publishes knowledge",
  admin: "+ policies, users, tokens",
};

type Created = { email: string; initialPassword?: string };

export function CreateUserForm() {
  const [created, setCreated] = useState<Created | null>(null);
  const m = useApiMutation((body: Record<string, string>) => api<{ user: { email: string }; initialPassword?: string }>("/api/users", { body }), (r) =>
    setCreated({ email: r.user.email, initialPassword: r.initialPassword }),
  );
  return (
    <div className="space-y-4">
      <form
        aria-label="Create user"
        onSubmit={submitWith((f, form) => {
          const body: Record<string, string> = { email: String(f.get("email") ?? "").trim(), name: String(f.get("name") ?? "").trim(), role: String(f.get("role")) };
          const pw = String(f.get("password") ?? "");
          if (pw) body.password = pw;
          setCreated(null);
          m.mutate(body, { onSuccess: () => form.reset() });
        })}
        className="space-y-3"
      >
        <Field label="E-mail" error={m.fieldErrors.email}>
          <input name="email" type="email" required autoComplete="off" className={inputClass} />
        </Field>
        <Field label="Name" error={m.fieldErrors.name}>
          <input name="name" required autoComplete="off" className={inputClass} />
        </Field>
        <Field label="Role" error={m.fieldErrors.role}>
          <select name="role" defaultValue="viewer" className={inputClass}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r} — {ROLE_HINTS[r]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Password" hint="Optional, 12+ characters. Leave empty to generate one (shown once)." error={m.fieldErrors.password}>
          <input name="password" type="password" minLength={12} autoComplete="new-password" className={inputClass} />
        </Field>
        <ErrorText error={m.errorMessage} />
        <Button type="submit" disabled={m.isPending} className="w-full">
          {m.isPending ? "Creating…" : "Create user"}
        </Button>
      </form>
      {created &&
        (created.initialPassword ? (
          <OneTimeSecret label={`Initial password for ${created.email}`} value={created.initialPassword} testId="initial-password" storedAs="argon2id" />
        ) : (
          <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 dark:bg-emerald-500/10 dark:text-emerald-300">
            Created {created.email} with the password you chose.
          </p>
        ))}
    </div>
  );
}

/** Sign-ins of this user are being delayed after failures: an admin can let them in at once. */
function UnlockSignIn({ user }: { user: UserListItem }) {
  const m = useApiMutation(() => api(`/api/users/${user.id}/unlock`, { method: "POST", body: {} }));
  return (
    <div className="mt-1.5 flex flex-wrap items-center gap-2">
      <Badge tone="amber">sign-in delayed</Badge>
      <Button variant="secondary" onClick={() => m.mutate(undefined)} disabled={m.isPending} aria-label={`Unlock sign-in of ${user.email}`}>
        {m.isPending ? "Unlocking…" : "Unlock sign-in"}
      </Button>
      {m.errorMessage && <ErrorText error={m.errorMessage} />}
    </div>
  );
}

function UserRow({ user, self, onReset }: { user: UserListItem; self: boolean; onReset: (r: { email: string; temporaryPassword: string }) => void }) {
  const m = useApiMutation((body: { role?: string; disabled?: boolean }) => api(`/api/users/${user.id}`, { method: "PATCH", body }));
  const [confirmReset, setConfirmReset] = useState(false);
  const reset = useApiMutation(
    () => api<{ temporaryPassword: string }>(`/api/users/${user.id}/password-reset`, { method: "POST", body: {} }),
    (r) => {
      setConfirmReset(false);
      onReset({ email: user.email, temporaryPassword: r.temporaryPassword });
    },
  );
  return (
    <Fragment>
    <tr data-testid={`user-${user.email}`} className={user.disabled ? "opacity-70" : undefined}>
      <Td>
        <div className="font-medium">
          {user.name}
          {self && <span className="ml-1.5 text-xs font-normal text-slate-500">(you)</span>}
        </div>
        <div className="text-xs text-slate-500 dark:text-slate-400">{user.email}</div>
      </Td>
      <Td>
        {/* Your own role and access are changed by another admin, so nobody locks themselves out. */}
        {self ? (
          <Badge tone="blue">{user.role}</Badge>
        ) : (
          <select aria-label={`Role of ${user.email}`} defaultValue={user.role} className={`${inputClass} max-w-[9rem]`} onChange={(e) => m.mutate({ role: e.target.value })} disabled={m.isPending}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        )}
      </Td>
      <Td>
        <StatusBadge status={user.disabled ? "disabled" : "active"} />
        {user.mustChangePassword && (
          <div className="mt-1.5">
            <Badge tone="amber">temporary password</Badge>
          </div>
        )}
        {user.signInDelayed && <UnlockSignIn user={user} />}
      </Td>
      <Td><Time iso={user.lastLoginAt} /></Td>
      <Td className="text-right">
        {!self && !confirmReset && (
          <Button variant="ghost" onClick={() => setConfirmReset(true)} aria-label={`Reset password of ${user.email}`}>
            Reset password
          </Button>
        )}
        {!self && (
          <Button variant={user.disabled ? "secondary" : "ghost-danger"} onClick={() => m.mutate({ disabled: !user.disabled })} disabled={m.isPending} aria-label={`${user.disabled ? "Enable" : "Disable"} ${user.email}`}>
            {user.disabled ? "Enable" : "Disable"}
          </Button>
        )}
        {(m.errorMessage ?? reset.errorMessage) && (
          <div className="mt-2 text-left">
            <ErrorText error={m.errorMessage ?? reset.errorMessage} />
          </div>
        )}
      </Td>
    </tr>
    {confirmReset && (
      <ConfirmRevokeRow colSpan={5} confirmLabel="Confirm reset" busy={reset.isPending} onConfirm={() => reset.mutate(undefined)} onCancel={() => setConfirmReset(false)}>
        Reset the password of {user.email}? Warden generates a temporary one, shown once, that they must change at their next sign-in. Their dashboard sessions and command-line logins end now; personal API tokens keep working.
      </ConfirmRevokeRow>
    )}
    </Fragment>
  );
}

export function UsersTable({ users, selfId }: { users: UserListItem[]; selfId: string }) {
  // Held here, not in the row: a refreshed row is re-keyed and would lose it.
  const [temporary, setTemporary] = useState<{ email: string; temporaryPassword: string } | null>(null);
  return (
    <>
      {temporary && (
        <div className="border-b border-slate-200 p-4 dark:border-slate-800">
          <OneTimeSecret label={`Temporary password for ${temporary.email}`} value={temporary.temporaryPassword} testId="temporary-password" storedAs="argon2id" />
          <p className="mt-2 text-xs text-slate-500 dark:text-slate-400">Hand it over privately. At sign-in they are asked to choose their own before anything else.</p>
        </div>
      )}
      <Table label="Users" stack head={["User", "Role", "Status", "Last sign-in (UTC)", ""]}>
        {users.map((u) => (
          // Keyed on role and state so a refreshed row starts from the server's values.
          <UserRow key={`${u.id}-${u.role}-${u.disabled}-${u.signInDelayed}-${u.mustChangePassword}`} user={u} self={u.id === selfId} onReset={setTemporary} />
        ))}
      </Table>
    </>
  );
}
