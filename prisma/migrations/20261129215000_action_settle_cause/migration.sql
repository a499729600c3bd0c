-- AlterTable
ALTER TABLE "actions" ADD COLUMN     "settle_cause" TEXT;
