-- AlterTable
ALTER TABLE "actions" ADD COLUMN     "receipt" TEXT;
