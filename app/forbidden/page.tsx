import { StatusPage } from "@/components/ui/status-page.tsx";

export const metadata = { title: "Not allowed" };

export default function Forbidden() {
  return (
    <StatusPage code="403" title="Your role does not allow this page">
      Your account can&apos;t open it. If you need access, ask a Warden admin to change your role.
    </StatusPage>
  );
}
