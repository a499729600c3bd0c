import { z } from "zod";
import { ROLES } from "../auth/index.ts";

export const emailSchema = z.string().trim().toLowerCase().email("a valid e-mail address").max(254);
export const passwordSchema = z.string().min(12, "at least 12 characters").max(256);

export const createUserSchema = z.strictObject({
  email: emailSchema,
  name: z.string().trim().min(1).max(120),
  role: z.enum(ROLES),
  password: passwordSchema.optional(),
});

export const updateUserSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(120).optional(),
    role: z.enum(ROLES).optional(),
    disabled: z.boolean().optional(),
    password: passwordSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "nothing to change");

export type CreateUserInput = z.infer<typeof createUserSchema>;
export type UpdateUserInput = z.infer<typeof updateUserSchema>;
