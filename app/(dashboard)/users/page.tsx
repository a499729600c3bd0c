import { Card, PageHeader } from "@/components/ui/primitives.tsx";
import { CreateUserForm, UsersTable } from "@/components/users-admin.tsx";
import { listUsers } from "@/lib/users/index.ts";
import { requirePermission } from "../../session.ts";

export const metadata = { title: "Users" };

export default async function UsersPage() {
  const p = await requirePermission("users:write");
  const users = await listUsers();
  return (
    <>
      <PageHeader title="Users" subtitle="Who can see, operate, approve and administer Warden." />
      <div className="grid gap-6 xl:grid-cols-3">
        <Card title="People" className="xl:col-span-2"><UsersTable users={users} selfId={p.userId} /></Card>
        <Card title="Add a user"><CreateUserForm /></Card>
      </div>
    </>
  );
}
