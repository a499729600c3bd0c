import type { Capabilities } from "@/lib/grants/index.ts";
import { Badge } from "../ui/badge.tsx";
import { count } from "../ui/count.ts";

/** Amber "unrestricted" for an agent without grants (it may ask for anything); else how many grants it has. */
export function GrantsBadge({ capabilities }: { capabilities: Capabilities }) {
  if (capabilities === null) {
    return (
      <span title="No capability grants: this agent may ask for any action. An admin can restrict it on its page." data-testid="grants-badge">
        <Badge tone="amber" dot>
          unrestricted
        </Badge>
      </span>
    );
  }
  return (
    <span data-testid="grants-badge">
      <Badge tone={capabilities.length ? "gray" : "red"}>{capabilities.length === 0 ? "nothing granted" : count(capabilities.length, "grant")}</Badge>
    </span>
  );
}
