import { PolicyEditor } from "@/components/policy-editor.tsx";
import { PageHeader } from "@/components/ui/panel.tsx";
import { requirePermission } from "../../../session.ts";

export const metadata = { title: "New policy" };

export default async function NewPolicyPage() {
  await requirePermission("policies:write");
  return (
    <>
      <PageHeader title="New policy" subtitle="Write the condition, test it on a sample and against recent traffic, then save." />
      <PolicyEditor
        canWrite
        initial={{ name: "", description: "", stage: "pre", effect: "deny", mode: "enforce", target: { cohorts: [], agents: [], actions: [] }, condition: "", priority: 100, message: "" }}
      />
    </>
  );
}
