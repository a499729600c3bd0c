import { prisma } from "../db/index.ts";
import type { HaltSwitch } from "./halt-state.ts";

/** The global switch as stored (one row), or null before the migrations seeded it. */
export async function globalHaltState(): Promise<HaltSwitch | null> {
  return prisma().controlState.findUnique({ where: { id: 1 }, select: { haltedAt: true, haltReason: true } });
}
