-- CreateEnum
CREATE TYPE "RolloutMode" AS ENUM ('CANARY', 'EXPERIMENT');

-- CreateEnum
CREATE TYPE "RolloutStatus" AS ENUM ('RUNNING', 'PAUSED', 'ROLLED_BACK', 'COMPLETED', 'ENDED');

-- AlterTable
ALTER TABLE "actions" ADD COLUMN     "version" TEXT;

-- AlterTable
ALTER TABLE "policy_versions" ADD COLUMN     "target_versions" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "agent_versions" (
    "id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "config_hash" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "current" BOOLEAN NOT NULL DEFAULT false,
    "created_by_id" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agent_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rollouts" (
    "id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "candidate" TEXT NOT NULL,
    "baseline" TEXT NOT NULL,
    "mode" "RolloutMode" NOT NULL,
    "steps" INTEGER[],
    "step" INTEGER NOT NULL DEFAULT 1,
    "min_samples_per_step" INTEGER NOT NULL,
    "step_min_seconds" INTEGER NOT NULL,
    "alpha" DOUBLE PRECISION NOT NULL,
    "guards" JSONB NOT NULL,
    "status" "RolloutStatus" NOT NULL DEFAULT 'RUNNING',
    "step_started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "evaluation" JSONB,
    "evaluated_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "ended_reason" TEXT,
    "ended_by" TEXT,
    "created_by_id" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rollouts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rollout_points" (
    "id" BIGSERIAL NOT NULL,
    "rollout_id" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "guards" JSONB NOT NULL,

    CONSTRAINT "rollout_points_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "agent_versions_agent_id_created_at_idx" ON "agent_versions"("agent_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "agent_versions_agent_id_version_key" ON "agent_versions"("agent_id", "version");

-- CreateIndex
CREATE INDEX "rollouts_agent_id_created_at_idx" ON "rollouts"("agent_id", "created_at");

-- CreateIndex
CREATE INDEX "rollouts_status_idx" ON "rollouts"("status");

-- CreateIndex
CREATE INDEX "rollout_points_rollout_id_at_idx" ON "rollout_points"("rollout_id", "at");

-- AddForeignKey
ALTER TABLE "rollout_points" ADD CONSTRAINT "rollout_points_rollout_id_fkey" FOREIGN KEY ("rollout_id") REFERENCES "rollouts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
