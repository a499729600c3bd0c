-- What ended the approvals settled before settlePending recorded it (lib/actions outcome.ts),
-- read from what they kept: the reason their settlement appended last, and their status.
-- Expired: a timeout. A halt, a breaker or changed grants leave their own reason code; a
-- stage's timeout says so in its message; anything else was settled by people's votes.
UPDATE "actions" SET "settle_cause" = CASE
    WHEN "status" = 'EXPIRED' THEN 'timeout'
    WHEN "reasons" -> -1 ->> 'code' IN ('agent_halted', 'cohort_halted', 'global_halt') THEN 'halt'
    WHEN "reasons" -> -1 ->> 'code' = 'circuit_open' THEN 'breaker'
    WHEN "reasons" -> -1 ->> 'code' = 'not_granted' THEN 'grants'
    WHEN "reasons" -> -1 ->> 'message' LIKE 'No decision before % timed out;%' THEN 'stage_timeout'
    ELSE 'vote'
  END
 WHERE "quorum" IS NOT NULL AND "status" IN ('APPROVED', 'REJECTED', 'EXPIRED') AND "settle_cause" IS NULL;
