/** The demo estate `npm start` seeds into an empty database: agents, users and policies (demo.ts). */
export { seedDemo, DEMO_AGENTS, DEMO_USERS, DEMO_POLICIES } from "./demo.ts";
export { DEMO_KNOWLEDGE, DEMO_KNOWLEDGE_POLICIES, DEMO_COMPETITORS, DEMO_RETURN_DAYS, demoFloor } from "./demo-knowledge.ts";
