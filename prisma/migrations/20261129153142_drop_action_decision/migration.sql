-- The decision (allow | deny | pending) follows from the status (lib/actions decisionOf), so it is no
-- longer stored twice. Instances older than this migration write the column: stop them before
-- an instance of this version starts (it applies the migration at start).
/*
  Warnings:

  - You are about to drop the column `decision` on the `actions` table. All the data in the column will be lost.

*/
-- AlterTable
ALTER TABLE "actions" DROP COLUMN "decision";

-- DropEnum
DROP TYPE "Decision";
