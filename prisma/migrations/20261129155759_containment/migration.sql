-- CreateEnum
CREATE TYPE "CapabilityChangeStatus" AS ENUM ('PENDING', 'CONFIRMED', 'REJECTED', 'SUPERSEDED');

-- CreateEnum
CREATE TYPE "ScopeKind" AS ENUM ('AGENT', 'COHORT');

-- CreateEnum
CREATE TYPE "BudgetOnExceed" AS ENUM ('DENY', 'REQUIRE_APPROVAL');

-- CreateEnum
CREATE TYPE "ReservationState" AS ENUM ('RESERVED', 'USED', 'RELEASED');

-- CreateEnum
CREATE TYPE "BreakerState" AS ENUM ('CLOSED', 'OPEN', 'HALF_OPEN');

-- AlterTable
ALTER TABLE "agents" ADD COLUMN     "capabilities" JSONB;

-- CreateTable
CREATE TABLE "capability_changes" (
    "id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "proposal" JSONB NOT NULL,
    "status" "CapabilityChangeStatus" NOT NULL DEFAULT 'PENDING',
    "requested_by_id" TEXT,
    "requested_by" TEXT NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',
    "decided_by_id" TEXT,
    "decided_by" TEXT,
    "comment" TEXT NOT NULL DEFAULT '',
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "capability_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "signal_counters" (
    "scope_kind" "ScopeKind" NOT NULL,
    "scope_id" TEXT NOT NULL,
    "version" TEXT NOT NULL DEFAULT '',
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "shard" SMALLINT NOT NULL,
    "decisions" INTEGER NOT NULL DEFAULT 0,
    "allowed" INTEGER NOT NULL DEFAULT 0,
    "denied" INTEGER NOT NULL DEFAULT 0,
    "escalated" INTEGER NOT NULL DEFAULT 0,
    "stopped" INTEGER NOT NULL DEFAULT 0,
    "approved" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "expired" INTEGER NOT NULL DEFAULT 0,
    "results" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "flagged" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "signal_counters_pkey" PRIMARY KEY ("scope_kind","scope_id","version","bucket","shard")
);

-- CreateTable
CREATE TABLE "signal_resources" (
    "scope_kind" "ScopeKind" NOT NULL,
    "scope_id" TEXT NOT NULL,
    "version" TEXT NOT NULL DEFAULT '',
    "bucket" TIMESTAMPTZ(3) NOT NULL,
    "shard" SMALLINT NOT NULL,
    "resource" TEXT NOT NULL,

    CONSTRAINT "signal_resources_pkey" PRIMARY KEY ("scope_kind","scope_id","version","bucket","shard","resource")
);

-- CreateTable
CREATE TABLE "signal_usage" (
    "agent_id" TEXT NOT NULL,
    "version" TEXT NOT NULL DEFAULT '',
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "action" TEXT NOT NULL,
    "resource_kind" TEXT NOT NULL,
    "shard" SMALLINT NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "pii" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "signal_usage_pkey" PRIMARY KEY ("agent_id","version","hour","action","resource_kind","shard")
);

-- CreateTable
CREATE TABLE "budgets" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "scope_kind" "ScopeKind" NOT NULL,
    "scope_value" TEXT NOT NULL,
    "actions" TEXT[],
    "amount" TEXT,
    "distinct_by" TEXT,
    "limit_value" DECIMAL(24,6) NOT NULL,
    "unit" TEXT NOT NULL,
    "window_seconds" INTEGER,
    "calendar" TEXT,
    "time_zone" TEXT,
    "on_exceed" "BudgetOnExceed" NOT NULL,
    "approval_quorum" INTEGER NOT NULL DEFAULT 1,
    "approval_timeout_seconds" INTEGER NOT NULL DEFAULT 3600,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_by_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "budgets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "budget_states" (
    "budget_id" TEXT NOT NULL,
    "watermark" TIMESTAMPTZ(6) NOT NULL,
    "total" DECIMAL(24,6) NOT NULL DEFAULT 0,
    "exceeded_at" TIMESTAMPTZ(6),

    CONSTRAINT "budget_states_pkey" PRIMARY KEY ("budget_id")
);

-- CreateTable
CREATE TABLE "budget_reservations" (
    "id" BIGSERIAL NOT NULL,
    "budget_id" TEXT NOT NULL,
    "action_id" TEXT NOT NULL,
    "amount" DECIMAL(24,6) NOT NULL,
    "resource" TEXT,
    "at" TIMESTAMPTZ(6) NOT NULL,
    "state" "ReservationState" NOT NULL DEFAULT 'RESERVED',
    "released_at" TIMESTAMPTZ(6),

    CONSTRAINT "budget_reservations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "breakers" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "scope_kind" "ScopeKind" NOT NULL,
    "scope_value" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "window_seconds" INTEGER NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "min_samples" INTEGER NOT NULL,
    "opens" "ScopeKind" NOT NULL,
    "recovery_mode" TEXT NOT NULL,
    "cooldown_seconds" INTEGER,
    "probes" INTEGER,
    "open_on_anomaly" BOOLEAN NOT NULL DEFAULT false,
    "state" "BreakerState" NOT NULL DEFAULT 'CLOSED',
    "held_kind" "ScopeKind",
    "held_value" TEXT,
    "opened_at" TIMESTAMPTZ(6),
    "opened_because" JSONB,
    "half_open_at" TIMESTAMPTZ(6),
    "probes_admitted" INTEGER NOT NULL DEFAULT 0,
    "samples_since" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_at" TIMESTAMPTZ(6),
    "value" DOUBLE PRECISION,
    "samples" INTEGER,
    "evaluated_at" TIMESTAMPTZ(6),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_by_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "breakers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "anomalies" (
    "id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "cohort" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "baseline" DOUBLE PRECISION NOT NULL,
    "explanation" TEXT NOT NULL,
    "breakers_opened" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "anomalies_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "capability_changes_agent_id_status_idx" ON "capability_changes"("agent_id", "status");

-- CreateIndex
CREATE INDEX "capability_changes_status_created_at_idx" ON "capability_changes"("status", "created_at");

-- CreateIndex
CREATE INDEX "signal_counters_bucket_idx" ON "signal_counters"("bucket");

-- CreateIndex
CREATE INDEX "signal_resources_bucket_idx" ON "signal_resources"("bucket");

-- CreateIndex
CREATE INDEX "signal_usage_hour_idx" ON "signal_usage"("hour");

-- CreateIndex
CREATE UNIQUE INDEX "budgets_name_key" ON "budgets"("name");

-- CreateIndex
CREATE INDEX "budgets_scope_kind_scope_value_idx" ON "budgets"("scope_kind", "scope_value");

-- CreateIndex
CREATE INDEX "budget_reservations_budget_id_at_idx" ON "budget_reservations"("budget_id", "at");

-- CreateIndex
CREATE INDEX "budget_reservations_budget_id_resource_at_idx" ON "budget_reservations"("budget_id", "resource", "at");

-- CreateIndex
CREATE INDEX "budget_reservations_action_id_idx" ON "budget_reservations"("action_id");

-- CreateIndex
CREATE UNIQUE INDEX "breakers_name_key" ON "breakers"("name");

-- CreateIndex
CREATE INDEX "breakers_state_idx" ON "breakers"("state");

-- CreateIndex
CREATE INDEX "breakers_scope_kind_scope_value_idx" ON "breakers"("scope_kind", "scope_value");

-- CreateIndex
CREATE INDEX "anomalies_created_at_idx" ON "anomalies"("created_at");

-- CreateIndex
CREATE INDEX "anomalies_agent_id_created_at_idx" ON "anomalies"("agent_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "anomalies_agent_id_kind_subject_hour_key" ON "anomalies"("agent_id", "kind", "subject", "hour");

-- AddForeignKey
ALTER TABLE "capability_changes" ADD CONSTRAINT "capability_changes_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "budget_states" ADD CONSTRAINT "budget_states_budget_id_fkey" FOREIGN KEY ("budget_id") REFERENCES "budgets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "budget_reservations" ADD CONSTRAINT "budget_reservations_budget_id_fkey" FOREIGN KEY ("budget_id") REFERENCES "budgets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
