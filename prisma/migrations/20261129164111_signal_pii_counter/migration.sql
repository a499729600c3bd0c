-- AlterTable
ALTER TABLE "signal_counters" ADD COLUMN     "pii" INTEGER NOT NULL DEFAULT 0;
