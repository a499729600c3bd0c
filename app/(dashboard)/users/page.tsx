import { PageHeader, Panel } from "@/components/ui/panel.tsx";
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
      <div className="grid items-start gap-6 xl:grid-cols-3">
        <Panel title="People" description={`${users.length} accounts`} className="xl:col-span-2" flush>
          <UsersTable users={users} selfId={p.userId} />
        </Panel>
        <Panel title="Add a user">
          <CreateUserForm />
        </Panel>
      </div>
    </>
  );
}
