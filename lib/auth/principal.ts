import type { RoleName } from "./permissions.ts";

/** Who is calling the control plane. */
export type Principal = {
  userId: string;
  email: string;
  name: string;
  role: RoleName;
  via: "session" | "token";
  tokenId?: string;
};

export const actorOf = (p: { userId: string }) => `user:${p.userId}`;
