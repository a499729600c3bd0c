"use client";

import { useState } from "react";
import { api } from "./api.ts";
import { OneTimeSecret } from "./one-time-secret.tsx";
import { Badge, Button, ErrorText, Field, inputClass, Table, Td, Time } from "./ui/primitives.tsx";
import { useApiMutation } from "./use-api-mutation.ts";

type User = { id: string; email: string; name: string; role: string; disabled: boolean; lastLoginAt: string | null };
const ROLES = ["viewer", "operator", "approver", "admin"];

export function CreateUserForm() {
  const [created, setCreated] = useState<{ email: string; initialPassword?: string } | null>(null);
  const m = useApiMutation(
    (body: Record<string, string>) => api<{ user: { email: string }; initialPassword?: string }>("/api/users", { body }),
    (r) => setCreated({ email: r.user.email, initialPassword: r.initialPassword }),
  );
  return (
    <form
      action={(f) => {
        const body: Record<string, string> = { email: String(f.get("email")), name: String(f.get("name")), role: String(f.get("role")) };
        const pw = String(f.get("password") ?? "");
        if (pw) body.password = pw;
        m.mutate(body);
      }}
      className="space-y-3"
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="E-mail"><input name="email" type="email" required className={inputClass} /></Field>
        <Field label="Name"><input name="name" required className={inputClass} /></Field>
        <Field label="Role">
          <select name="role" defaultValue="viewer" className={inputClass}>
            {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
          </select>
        </Field>
        <Field label="Password" hint="Leave empty to generate one (shown once)">
          <input name="password" type="password" minLength={12} autoComplete="new-password" className={inputClass} />
        </Field>
      </div>
      <ErrorText error={m.errorMessage} />
      <Button type="submit" disabled={m.isPending}>Create user</Button>
      {created && (created.initialPassword ? <OneTimeSecret label={`Password for ${created.email}`} value={created.initialPassword} testId="initial-password" /> : <p className="text-sm text-emerald-700">Created {created.email}.</p>)}
    </form>
  );
}

export function UserRow({ user, self }: { user: User; self: boolean }) {
  const m = useApiMutation((body: Record<string, unknown>) => api(`/api/users/${user.id}`, { method: "PATCH", body }));
  return (
    <tr data-testid={`user-${user.email}`}>
      <Td>
        <div className="font-medium">{user.name}{self && <span className="ml-1 text-xs text-slate-500">(you)</span>}</div>
        <div className="text-xs text-slate-500">{user.email}</div>
      </Td>
      <Td>
        <select aria-label={`Role of ${user.email}`} defaultValue={user.role} className={`${inputClass} max-w-[9rem]`} onChange={(e) => m.mutate({ role: e.target.value })} disabled={m.isPending}>
          {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
      </Td>
      <Td>{user.disabled ? <Badge tone="red">disabled</Badge> : <Badge tone="green">active</Badge>}</Td>
      <Td><Time iso={user.lastLoginAt} /></Td>
      <Td className="text-right">
        <Button variant="ghost" onClick={() => m.mutate({ disabled: !user.disabled })} disabled={m.isPending}>
          {user.disabled ? "Enable" : "Disable"}
        </Button>
        <ErrorText error={m.errorMessage} />
      </Td>
    </tr>
  );
}

export function UsersTable({ users, selfId }: { users: User[]; selfId: string }) {
  return (
    <Table head={["User", "Role", "Status", "Last sign-in", ""]}>
      {users.map((u) => <UserRow key={`${u.id}-${u.role}-${u.disabled}`} user={u} self={u.id === selfId} />)}
    </Table>
  );
}
