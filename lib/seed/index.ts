/** The demo estate `npm start` seeds into an empty database: agents with capability grants, users, policies, budgets and breakers (demo.ts). */
export { seedDemo, DEMO_AGENTS, DEMO_USERS, DEMO_POLICIES, DEMO_GRANTS, DEMO_BUDGETS, DEMO_BREAKERS } from "./demo.ts";
