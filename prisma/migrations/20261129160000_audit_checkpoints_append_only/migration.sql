-- Signed checkpoints are append-only like the rest of what verification relies on. (A superuser
-- can still disable the trigger; that is why each checkpoint also goes to a sink outside the
-- database, and why verification trusts only the signature, made with a key the database never holds.)
CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON "audit_checkpoints"
  FOR EACH ROW EXECUTE FUNCTION warden_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON "audit_checkpoints"
  FOR EACH STATEMENT EXECUTE FUNCTION warden_refuse_change();
