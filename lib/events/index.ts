export { bus, closeBus, notifySql, CHANNELS, type Channel } from "./bus.ts";
export { BusCache } from "./bus-cache.ts";
