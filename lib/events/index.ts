/**
 * Cross-instance signals over PostgreSQL LISTEN/NOTIFY (`CHANNEL` names every channel) and
 * the per-instance caches they invalidate. Signals are hints for caches and waiters, never
 * the safety check itself: every guarantee is enforced in PostgreSQL.
 */
export { bus, closeBus, notifySql, notifyManySql, CHANNEL, CHANNELS, type Channel } from "./bus.ts";
export { BusCache } from "./bus-cache.ts";
