import { StatusPage } from "@/components/ui/status-page.tsx";

export const metadata = { title: "Not found" };

export default function NotFound() {
  return (
    <StatusPage code="404" title="Nothing here">
      The page or record you asked for doesn&apos;t exist, or it was removed.
    </StatusPage>
  );
}
