-- The audit log is append-only: the database itself refuses to change or remove events,
-- whoever asks (short of a superuser switching triggers off, which `verify` then exposes).
CREATE FUNCTION audit_events_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_no_update_delete
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

-- Chain heads: 16 independent hash chains, each starting from the genesis hash.
INSERT INTO "audit_chain_heads" ("chain", "chain_seq", "hash")
SELECT g, 0, repeat('0', 64) FROM generate_series(0, 15) AS g;

-- The single row of the global kill switch.
INSERT INTO "control_state" ("id", "updated_at") VALUES (1, now());
