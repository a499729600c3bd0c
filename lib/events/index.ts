export { bus, closeBus, notifySql, CHANNELS, type Channel } from "./bus.ts";
