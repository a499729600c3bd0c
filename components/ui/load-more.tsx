import type { ReactNode } from "react";
import { Button } from "./button.tsx";
import { plural } from "./count.ts";
import { num } from "./format.ts";

/** The foot of a keyset-paginated list: "Load more" while there is a next page, else a count. */
export function LoadMore({ q, shown, noun, error }: { q: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> }; shown: number; noun: string; error?: ReactNode }) {
  return (
    <div className="flex flex-col items-center gap-2 border-t border-slate-100 px-4 py-3 dark:border-slate-800">
      {error}
      {q.hasNextPage ? (
        <Button variant="secondary" onClick={() => void q.fetchNextPage()} disabled={q.isFetchingNextPage}>
          {q.isFetchingNextPage ? "Loading…" : "Load more"}
        </Button>
      ) : (
        <p className="text-xs text-slate-500 dark:text-slate-400">{shown === 1 ? `The one matching ${noun} shown.` : shown ? `All ${num(shown)} matching ${plural(shown, noun)} shown.` : ""}</p>
      )}
    </div>
  );
}
