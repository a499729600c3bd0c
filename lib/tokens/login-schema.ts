import { z } from "zod";

/** `POST /api/login` body: e-mail and password, for a short-lived API token. */
export const loginSchema = z.strictObject({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(256) });
