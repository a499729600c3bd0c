/** The demo estate `npm start` seeds into an empty database: agents, users and policies (demo.ts). */
export { seedDemo, DEMO_AGENTS, DEMO_USERS, DEMO_POLICIES, DEMO_VERSIONS } from "./demo.ts";
