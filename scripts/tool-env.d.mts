// Types of tool-env.mjs (plain JavaScript: scripts/start.mjs and scripts/test.mjs load it before tsx).
export function applyToolDefaults<T extends Record<string, string | undefined>>(env?: T): T;
