-- Escalation paths (issue #12): approver teams and their default cohorts, staged approval
-- routing on policy versions and pending actions, approve-with-changes, agent hand-offs,
-- agent ownership history (segregation of duties), and the webhook message format.
-- Every new column on actions is NULL for existing rows, so the two new indexes are built on
-- NULLs (a few seconds at a million actions).
-- AlterTable
ALTER TABLE "actions" ADD COLUMN     "approval" JSONB,
ADD COLUMN     "approved_input" JSONB,
ADD COLUMN     "approved_input_hash" TEXT,
ADD COLUMN     "handoff" JSONB,
ADD COLUMN     "stage_expires_at" TIMESTAMPTZ(3),
ADD COLUMN     "stage_index" INTEGER,
ADD COLUMN     "stage_team_id" TEXT;

-- AlterTable
ALTER TABLE "approvals" ADD COLUMN     "override" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "stage" INTEGER;

-- AlterTable
ALTER TABLE "policy_versions" ADD COLUMN     "approval_editable" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "approval_fallback_team" TEXT,
ADD COLUMN     "approval_stages" JSONB;

-- AlterTable
ALTER TABLE "webhooks" ADD COLUMN     "format" TEXT NOT NULL DEFAULT 'json';

-- CreateTable
CREATE TABLE "teams" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "teams_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "team_members" (
    "team_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "team_members_pkey" PRIMARY KEY ("team_id","user_id")
);

-- CreateTable
CREATE TABLE "team_cohorts" (
    "cohort" TEXT NOT NULL,
    "team_id" TEXT NOT NULL,

    CONSTRAINT "team_cohorts_pkey" PRIMARY KEY ("cohort")
);

-- CreateTable
CREATE TABLE "agent_ownerships" (
    "id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "until" TIMESTAMPTZ(3),
    "actor" TEXT NOT NULL,

    CONSTRAINT "agent_ownerships_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "teams_name_key" ON "teams"("name");

-- CreateIndex
CREATE INDEX "team_members_user_id_idx" ON "team_members"("user_id");

-- CreateIndex
CREATE INDEX "team_cohorts_team_id_idx" ON "team_cohorts"("team_id");

-- CreateIndex
CREATE INDEX "agent_ownerships_agent_id_since_idx" ON "agent_ownerships"("agent_id", "since");

-- CreateIndex
CREATE INDEX "actions_status_stage_expires_at_idx" ON "actions"("status", "stage_expires_at");

-- CreateIndex
CREATE INDEX "actions_status_stage_team_id_created_at_idx" ON "actions"("status", "stage_team_id", "created_at");

-- AddForeignKey
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "team_cohorts" ADD CONSTRAINT "team_cohorts_team_id_fkey" FOREIGN KEY ("team_id") REFERENCES "teams"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_ownerships" ADD CONSTRAINT "agent_ownerships_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;
