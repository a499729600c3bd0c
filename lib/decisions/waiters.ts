import { bus, CHANNEL } from "../events/index.ts";

const KEY = Symbol.for("warden.actionWaiters");
type Holder = { [KEY]?: Map<string, Set<() => void>> };

function waiters(): Map<string, Set<() => void>> {
  const g = globalThis as Holder;
  if (!g[KEY]) {
    const map = new Map<string, Set<() => void>>();
    g[KEY] = map;
    // A decided action (on any instance) wakes whoever long-polls it here.
    bus().subscribe(CHANNEL.actions, (id) => map.get(id)?.forEach((wake) => wake()));
    bus().subscribe("resync", () => map.forEach((set) => set.forEach((wake) => wake())));
  }
  return g[KEY];
}

/**
 * Registers interest in an action before the caller re-reads it, so a decision committed in
 * between is not missed. `wait()` resolves on the signal or after `ms`.
 */
export async function watchAction(id: string): Promise<{ wait: (ms: number) => Promise<void>; stop: () => void }> {
  const map = waiters();
  await bus().ready();
  // Signals between two waits are remembered, so none is lost while the caller re-reads.
  let pendingSignal = false;
  let resolveWait: (() => void) | null = null;
  const wake = () => {
    if (resolveWait) resolveWait();
    else pendingSignal = true;
  };
  let set = map.get(id);
  if (!set) map.set(id, (set = new Set()));
  set.add(wake);
  const stop = () => {
    set.delete(wake);
    if (set.size === 0) map.delete(id);
  };
  return {
    stop,
    wait: async (ms) => {
      if (pendingSignal) {
        pendingSignal = false;
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((r) => {
        resolveWait = r;
        timer = setTimeout(r, ms);
      });
      resolveWait = null;
      clearTimeout(timer);
    },
  };
}
