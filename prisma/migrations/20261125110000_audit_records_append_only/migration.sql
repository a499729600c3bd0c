-- The records verification relies on are append-only too: what retention removed
-- (audit_pruned_ranges) and past verifications (audit_verifications, whose checkpoints a quick
-- verification continues from). Verification also only trusts pruned ranges that the chained
-- audit.retention_applied events list, for partitions that are really gone.
CREATE FUNCTION warden_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_pruned_ranges_no_update_delete BEFORE UPDATE OR DELETE ON "audit_pruned_ranges"
  FOR EACH ROW EXECUTE FUNCTION warden_refuse_change();
CREATE TRIGGER audit_pruned_ranges_no_truncate BEFORE TRUNCATE ON "audit_pruned_ranges"
  FOR EACH STATEMENT EXECUTE FUNCTION warden_refuse_change();
CREATE TRIGGER audit_verifications_no_update_delete BEFORE UPDATE OR DELETE ON "audit_verifications"
  FOR EACH ROW EXECUTE FUNCTION warden_refuse_change();
CREATE TRIGGER audit_verifications_no_truncate BEFORE TRUNCATE ON "audit_verifications"
  FOR EACH STATEMENT EXECUTE FUNCTION warden_refuse_change();

-- New months are created as plain tables and then attached: ATTACH PARTITION takes a SHARE
-- UPDATE EXCLUSIVE lock on audit_events, which doesn't wait for (or block) the writers and
-- readers that CREATE TABLE … PARTITION OF (ACCESS EXCLUSIVE) would. An advisory lock keeps
-- two instances starting at once from racing to create the same month.
CREATE OR REPLACE FUNCTION audit_ensure_partitions(from_at timestamptz, to_at timestamptz) RETURNS integer
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
