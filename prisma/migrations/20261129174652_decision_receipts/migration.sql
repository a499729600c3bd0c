-- AlterTable
ALTER TABLE "actions" ADD COLUMN     "receipt" JSONB;
