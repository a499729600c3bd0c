import { prisma } from "../db/index.ts";
import type { HaltState } from "./present.ts";

export async function globalHaltState(): Promise<HaltState | null> {
  return prisma().controlState.findUnique({ where: { id: 1 }, select: { haltedAt: true, haltReason: true } });
}
