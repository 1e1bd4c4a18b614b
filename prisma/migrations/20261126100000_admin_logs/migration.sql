-- CreateEnum
CREATE TYPE "DataDiffEventType" AS ENUM ('NEW', 'UPDATE');

-- CreateTable
CREATE TABLE "data_diffs" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "integration_id" TEXT NOT NULL,
    "integration_vendor" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "model_record_id" TEXT NOT NULL,
    "event_type" "DataDiffEventType" NOT NULL,
    "data_diff" JSONB NOT NULL,
    "job_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "data_diffs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "data_diffs_organization_id_created_at_idx" ON "data_diffs"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "data_diffs_integration_id_created_at_idx" ON "data_diffs"("integration_id", "created_at");

-- CreateIndex
CREATE INDEX "data_diffs_created_at_idx" ON "data_diffs"("created_at");

-- CreateIndex
CREATE INDEX "sync_runs_organization_id_started_at_idx" ON "sync_runs"("organization_id", "started_at");

-- CreateIndex
CREATE INDEX "sync_jobs_organization_id_created_at_idx" ON "sync_jobs"("organization_id", "created_at");
