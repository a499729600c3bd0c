-- Audit storage for years of history:
--  * audit_events becomes a table partitioned by month on "at". Queries with a time range
--    read only their months, indexes stay per-month-sized, and retention is dropping a whole
--    partition (lib/audit/retention.ts) instead of a DELETE the append-only trigger refuses.
--  * A partitioned table's keys must include the partition column, so the primary key is
--    (seq, at) and the chain position is unique per (chain, chain_seq, at); seq still comes
--    from one sequence and chain_seq stays gap-free because a chain head is locked while
--    events are appended to it.
--  * Listing is keyset-paginated on (at, seq), which every index ends with.
--  * audit_pruned_ranges records what retention removed, so the chains still verify.
--  * audit_verifications keeps each verification's outcome and, when ok, per-chain
--    checkpoints a quick verification continues from.
--  * settings holds admin settings (PII redaction rules).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Move the old table aside; its rows are copied into the partitioned one below.
ALTER TABLE "audit_events" RENAME TO "audit_events_unpartitioned";
ALTER TABLE "audit_events_unpartitioned" RENAME CONSTRAINT "audit_events_pkey" TO "audit_events_unpartitioned_pkey";
DROP INDEX "audit_events_actor_at_idx";
DROP INDEX "audit_events_agent_id_at_idx";
DROP INDEX "audit_events_at_idx";
DROP INDEX "audit_events_chain_chain_seq_key";
DROP INDEX "audit_events_cohort_at_idx";
DROP INDEX "audit_events_kind_at_idx";
DROP INDEX "audit_events_subject_at_idx";

CREATE TABLE "audit_events" (
    "seq" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "agent_id" TEXT,
    "cohort" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "chain" INTEGER NOT NULL,
    "chain_seq" BIGINT NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("seq", "at")
) PARTITION BY RANGE ("at");

-- Keep the existing sequence (and its position) for seq.
ALTER SEQUENCE "audit_events_seq_seq" OWNED BY "audit_events"."seq";
ALTER TABLE "audit_events" ALTER COLUMN "seq" SET DEFAULT nextval('"audit_events_seq_seq"');

CREATE INDEX "audit_events_at_seq_idx" ON "audit_events"("at" DESC, "seq" DESC);
CREATE INDEX "audit_events_kind_at_seq_idx" ON "audit_events"("kind", "at" DESC, "seq" DESC);
CREATE INDEX "audit_events_actor_at_seq_idx" ON "audit_events"("actor", "at" DESC, "seq" DESC);
CREATE INDEX "audit_events_agent_id_at_seq_idx" ON "audit_events"("agent_id", "at" DESC, "seq" DESC);
CREATE INDEX "audit_events_cohort_at_seq_idx" ON "audit_events"("cohort", "at" DESC, "seq" DESC);
CREATE INDEX "audit_events_subject_at_seq_idx" ON "audit_events"("subject", "at" DESC, "seq" DESC);
CREATE INDEX "audit_events_subject_trgm_idx" ON "audit_events" USING GIN ("subject" gin_trgm_ops);
CREATE UNIQUE INDEX "audit_events_chain_chain_seq_at_key" ON "audit_events"("chain", "chain_seq", "at");

-- Append-only, as before: row triggers on a partitioned table are cloned onto every
-- partition; TRUNCATE triggers are not, so audit_ensure_partitions adds one to each.
CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

-- Creates the monthly partitions (audit_events_pYYYYMM, UTC months) covering [from, to].
-- Idempotent; Warden calls it at start and hourly for the months ahead, and seed:volume for
-- the history it writes. There is deliberately no default partition: a row in it would block
-- creating its month later. New months are created as plain tables and then attached: ATTACH
-- PARTITION takes a SHARE UPDATE EXCLUSIVE lock on audit_events, which doesn't wait for (or
-- block) the writers and readers that CREATE TABLE … PARTITION OF (ACCESS EXCLUSIVE) would.
-- An advisory lock keeps two instances starting at once from racing to create the same month.
CREATE FUNCTION audit_ensure_partitions(from_at timestamptz, to_at timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m timestamp := date_trunc('month', from_at AT TIME ZONE 'UTC');
  last_m timestamp := date_trunc('month', to_at AT TIME ZONE 'UTC');
  part text;
  created integer := 0;
BEGIN
  PERFORM pg_advisory_xact_lock(72707371);
  WHILE m <= last_m LOOP
    part := format('audit_events_p%s', to_char(m, 'YYYYMM'));
    IF to_regclass(format('public.%I', part)) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE audit_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
      EXECUTE format('CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()', part);
      EXECUTE format('ALTER TABLE audit_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                     part, (m AT TIME ZONE 'UTC'), ((m + interval '1 month') AT TIME ZONE 'UTC'));
      created := created + 1;
    END IF;
    m := m + interval '1 month';
  END LOOP;
  RETURN created;
END
$$;

-- Partitions for what exists now and the months around today, then the rows themselves.
SELECT audit_ensure_partitions(
  LEAST(now() - interval '1 month', COALESCE((SELECT min("at") FROM "audit_events_unpartitioned"), now())),
  GREATEST(now() + interval '3 months', COALESCE((SELECT max("at") FROM "audit_events_unpartitioned"), now())));
INSERT INTO "audit_events" SELECT * FROM "audit_events_unpartitioned";
DROP TABLE "audit_events_unpartitioned";

CREATE TABLE "audit_pruned_ranges" (
    "id" TEXT NOT NULL,
    "chain" INTEGER NOT NULL,
    "from_chain_seq" BIGINT NOT NULL,
    "to_chain_seq" BIGINT NOT NULL,
    "last_hash" TEXT NOT NULL,
    "partition" TEXT NOT NULL,
    "events" BIGINT NOT NULL,
    "pruned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_pruned_ranges_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_pruned_ranges_chain_from_chain_seq_idx" ON "audit_pruned_ranges"("chain", "from_chain_seq");

CREATE TABLE "audit_verifications" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "scope" TEXT NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "events" BIGINT NOT NULL,
    "head" TEXT,
    "first_bad_seq" BIGINT,
    "why" TEXT,
    "checkpoints" JSONB NOT NULL DEFAULT '[]',
    "actor" TEXT NOT NULL,

    CONSTRAINT "audit_verifications_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_verifications_at_idx" ON "audit_verifications"("at");

CREATE TABLE "settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_by_id" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "settings_pkey" PRIMARY KEY ("key")
);

-- The agent timeline reads newest first with the id as tie-breaker.
DROP INDEX "actions_agent_id_created_at_idx";
CREATE INDEX "actions_agent_id_created_at_id_idx" ON "actions"("agent_id", "created_at" DESC, "id" DESC);
