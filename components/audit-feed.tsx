"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import type { AuditEventView } from "@/lib/audit/index.ts";
import { api, messageOf } from "./api.ts";
import { AuditEventsTable, type ActorLabels } from "./audit-events-table.tsx";
import { LoadMore } from "./ui/load-more.tsx";
import { ErrorText } from "./ui/field.tsx";

type Page = { events: AuditEventView[]; nextCursor: string | null };

/**
 * Audit events matching `filter`, newest first. The server renders the first page; "Load more"
 * follows nextCursor through GET /api/audit (keyset pagination: stable while events arrive).
 */
export function AuditFeed({ filter, first, labels, pageSize = 50, label }: { filter: Record<string, string>; first: Page; labels: ActorLabels; pageSize?: number; label?: string }) {
  const q = useInfiniteQuery({
    // The newest seq of the server's page is in the key, so a refreshed page starts a fresh list.
    queryKey: ["audit", filter, first.events[0]?.seq ?? 0],
    queryFn: ({ pageParam }) => api<Page>(`/api/audit?${new URLSearchParams({ ...filter, limit: String(pageSize), ...(pageParam ? { cursor: pageParam } : {}) })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    initialData: { pages: [first], pageParams: [null] },
    staleTime: Infinity,
  });
  const events = q.data.pages.flatMap((p) => p.events);
  return (
    <div>
      <AuditEventsTable events={events} labels={labels} label={label} />
      <LoadMore q={q} shown={events.length} noun="event" error={q.error ? <ErrorText error={messageOf(q.error)} /> : null} />
    </div>
  );
}
