-- Ownership history starts with each existing agent's current owner, from its registration
-- (the history before this migration was not recorded; the agent.updated audit events hold it).
INSERT INTO "agent_ownerships" ("id", "agent_id", "owner", "since", "until", "actor")
SELECT 'own_' || replace(gen_random_uuid()::text, '-', ''), a."id", a."owner", a."created_at", NULL, 'system'
  FROM "agents" a
 WHERE NOT EXISTS (SELECT 1 FROM "agent_ownerships" o WHERE o."agent_id" = a."id");
