-- The redaction markers each action's stored request and result hold, so finding actions by a
-- raw value (its markers) is a GIN index lookup instead of a scan of their JSON.
ALTER TABLE "actions" ADD COLUMN     "pii_markers" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- Actions stored before this migration: collect the markers already in them.
UPDATE "actions" SET "pii_markers" = ARRAY(
  SELECT DISTINCT m[1] FROM regexp_matches(
    "input"::text || ' ' || "context"::text || ' ' || "resource" || ' ' || coalesce("result_output"::text, '') || ' ' || coalesce("result_error", ''),
    '(\[redacted:(?:email|phone|card|iban|field):[0-9a-f]{16}\])', 'g') AS m)
WHERE ("input"::text || "context"::text || "resource" || coalesce("result_output"::text, '') || coalesce("result_error", '')) LIKE '%[redacted:%';

CREATE INDEX "actions_pii_markers_idx" ON "actions" USING GIN ("pii_markers");
