import type { ReactNode } from "react";

export type IconName = "overview" | "agents" | "approvals" | "cohorts" | "policies" | "knowledge" | "audit" | "users" | "teams" | "settings" | "signout" | "containment" | "menu" | "close";

// 20×20 outline glyphs drawn for the navigation; stroke follows the text colour.
const paths: Record<IconName, ReactNode> = {
  overview: <path d="M3 3h6v8H3zM11 3h6v5h-6zM11 10h6v7h-6zM3 13h6v4H3z" />,
  agents: (
    <>
      <rect x="4" y="6" width="12" height="10" rx="2" />
      <path d="M10 3v3M7.5 10.5h.01M12.5 10.5h.01M8 13.5h4" />
    </>
  ),
  approvals: <path d="M4 10.5l3.5 3.5L16 5.5" />,
  cohorts: (
    <>
      <circle cx="7" cy="7" r="2.5" />
      <circle cx="13.5" cy="8" r="2" />
      <path d="M2.5 16c.5-2.6 2.3-4 4.5-4s4 1.4 4.5 4M12 12.2c2.2-.3 4.3.8 5 3.3" />
    </>
  ),
  policies: <path d="M10 2.5l6 2.5v4.5c0 3.8-2.6 6.6-6 8-3.4-1.4-6-4.2-6-8V5z" />,
  audit: <path d="M5 2.5h7l3 3v12H5zM8 9h5M8 12h5M8 15h3" />,
  knowledge: <path d="M3.5 4.5c2-1 4.5-1 6.5.5v11c-2-1.5-4.5-1.5-6.5-.5zM16.5 4.5c-2-1-4.5-1-6.5.5v11c2-1.5 4.5-1.5 6.5-.5z" />,
  users: (
    <>
      <circle cx="10" cy="7" r="3" />
      <path d="M4 17c.7-3 3-4.5 6-4.5s5.3 1.5 6 4.5" />
    </>
  ),
  teams: (
    <>
      <circle cx="6.5" cy="7" r="2" />
      <circle cx="13.5" cy="7" r="2" />
      <circle cx="10" cy="11.5" r="2" />
      <path d="M2.5 14.5c.4-2 1.8-3 4-3M17.5 14.5c-.4-2-1.8-3-4-3M6 17.5c.5-2 2-3 4-3s3.5 1 4 3" />
    </>
  ),
  settings: (
    <>
      <circle cx="10" cy="10" r="2.5" />
      <path d="M10 2.5v2M10 15.5v2M2.5 10h2M15.5 10h2M4.7 4.7l1.4 1.4M13.9 13.9l1.4 1.4M4.7 15.3l1.4-1.4M13.9 6.1l1.4-1.4" />
    </>
  ),
  signout: <path d="M8 4H4.5v12H8M12 6.5 15.5 10 12 13.5M15.5 10H7.5" />,
  menu: <path d="M3.5 5.5h13M3.5 10h13M3.5 14.5h13" />,
  close: <path d="M5 5l10 10M15 5 5 15" />,
  containment: (
    <>
      <circle cx="10" cy="10" r="6.5" />
      <path d="M10 6v4l2.5 2.5M3.5 10H2M18 10h-1.5" />
    </>
  ),
};

export function Icon({ name, className }: { name: IconName; className?: string }) {
  return (
    <svg aria-hidden viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth={1.6} strokeLinecap="round" strokeLinejoin="round" className={className ?? "h-4 w-4"}>
      {paths[name]}
    </svg>
  );
}
