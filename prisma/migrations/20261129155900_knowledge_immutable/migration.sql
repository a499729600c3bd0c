-- Published knowledge is immutable. A version row is never changed or removed; a record row's
-- content never changes: the one update allowed closes its range (valid_to from NULL to the
-- version that replaced or removed it), which is how a publish supersedes it. Deleting a whole
-- set (ON DELETE CASCADE from knowledge_sets) is not offered by Warden and is refused here too.
CREATE TRIGGER knowledge_versions_no_update_delete BEFORE UPDATE OR DELETE ON "knowledge_versions"
  FOR EACH ROW EXECUTE FUNCTION warden_refuse_change();
CREATE TRIGGER knowledge_versions_no_truncate BEFORE TRUNCATE ON "knowledge_versions"
  FOR EACH STATEMENT EXECUTE FUNCTION warden_refuse_change();

CREATE FUNCTION knowledge_records_close_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'knowledge_records is immutable: DELETE is not allowed' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL OR NEW.valid_to <= OLD.valid_from
     OR (NEW.set_id, NEW.key, NEW.valid_from, NEW.value, NEW.source, NEW.proposed_by, NEW.approved_by, NEW.published_at, NEW.effective_from, NEW.expires_at)
        IS DISTINCT FROM
        (OLD.set_id, OLD.key, OLD.valid_from, OLD.value, OLD.source, OLD.proposed_by, OLD.approved_by, OLD.published_at, OLD.effective_from, OLD.expires_at) THEN
    RAISE EXCEPTION 'knowledge_records is immutable: only closing a current record (valid_to) is allowed' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER knowledge_records_close_only BEFORE UPDATE OR DELETE ON "knowledge_records"
  FOR EACH ROW EXECUTE FUNCTION knowledge_records_close_only();
CREATE TRIGGER knowledge_records_no_truncate BEFORE TRUNCATE ON "knowledge_records"
  FOR EACH STATEMENT EXECUTE FUNCTION warden_refuse_change();
