import type { RoleName } from "./permissions.ts";

/** Who is calling the control plane. */
export type Principal = {
  userId: string;
  email: string;
  name: string;
  role: RoleName;
  via: "session" | "token";
  tokenId?: string;
  /** The dashboard session (via "session"): a password change keeps this one and ends the others. */
  sessionId?: string;
  /**
   * Signed in with a temporary password an admin set (lib/users resetUserPassword): until the
   * user sets a new one, a session may only read who it is and change the password
   * (lib/http route refuses the rest with 403 `password_change_required`). API tokens are
   * not affected: they are separate credentials the admin revokes or keeps.
   */
  mustChangePassword?: boolean;
};

export const actorOf = (p: { userId: string }) => `user:${p.userId}`;
