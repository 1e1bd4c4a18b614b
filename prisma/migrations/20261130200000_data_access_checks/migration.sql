-- Data-access checks (issue 6): per model and operation verdicts, one running check per integration,
-- and the run/job counters the dashboard charts.

-- CreateEnum
CREATE TYPE "DataAccessOperation" AS ENUM ('READ', 'CREATE', 'UPDATE');

-- CreateEnum
CREATE TYPE "DataAccessStatus" AS ENUM ('SUCCESS', 'FAILED', 'PROCESSING', 'UNSUPPORTED', 'UNTESTED');

-- AlterTable
ALTER TABLE "integrations" ADD COLUMN "data_access_check_started_at" TIMESTAMPTZ(3),
ADD COLUMN "last_data_access_check" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "data_access_results" (
    "integration_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "operation" "DataAccessOperation" NOT NULL,
    "status" "DataAccessStatus" NOT NULL,
    "error_message" TEXT,
    "checked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "data_access_results_pkey" PRIMARY KEY ("integration_id","model","operation")
);

-- AlterTable
ALTER TABLE "sync_runs" ADD COLUMN "skipped_models" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "sync_jobs" ADD COLUMN "events_emitted" INTEGER NOT NULL DEFAULT 0;

-- AddForeignKey
ALTER TABLE "data_access_results" ADD CONSTRAINT "data_access_results_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
