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
