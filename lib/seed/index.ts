/** The demo estate `npm start` seeds into an empty database: agents with capability grants and versions, users, policies, budgets and breakers (demo.ts), knowledge sets (demo-knowledge.ts), teams and escalation paths (demo-escalation.ts). */
export { seedDemo, DEMO_AGENTS, DEMO_USERS, DEMO_POLICIES, DEMO_GRANTS, DEMO_BUDGETS, DEMO_BREAKERS, DEMO_VERSIONS } from "./demo.ts";
export { DEMO_KNOWLEDGE, DEMO_KNOWLEDGE_POLICIES, DEMO_COMPETITORS, DEMO_RETURN_DAYS, demoFloor } from "./demo-knowledge.ts";
export { DEMO_TEAMS, DEMO_TEAM_USERS, DEMO_ESCALATION_POLICIES, seedDemoEscalation } from "./demo-escalation.ts";
