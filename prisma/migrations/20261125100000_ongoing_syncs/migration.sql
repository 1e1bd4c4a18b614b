-- CreateEnum
CREATE TYPE "SyncMode" AS ENUM ('FULL', 'INCREMENTAL');

-- AlterEnum
ALTER TYPE "SyncRunStatus" ADD VALUE 'QUEUED' BEFORE 'RUNNING';

-- AlterTable
ALTER TABLE "integrations" ADD COLUMN "last_full_sync_at" TIMESTAMPTZ(3),
ADD COLUMN "next_sync_at" TIMESTAMPTZ(3),
ADD COLUMN "sync_cron" TEXT;

-- AlterTable
ALTER TABLE "sync_runs" ADD COLUMN "mode" "SyncMode" NOT NULL DEFAULT 'FULL';

-- CreateTable
CREATE TABLE "sync_checkpoints" (
    "integration_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "cursor" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sync_checkpoints_pkey" PRIMARY KEY ("integration_id","model")
);

-- CreateIndex
CREATE INDEX "integrations_next_sync_at_idx" ON "integrations"("next_sync_at");

-- CreateIndex
CREATE INDEX "events_record_id_sequence_idx" ON "events"("record_id", "sequence");

-- CreateIndex
CREATE INDEX "events_integration_id_sequence_idx" ON "events"("integration_id", "sequence");

-- CreateIndex
CREATE INDEX "webhook_deliveries_webhook_id_status_idx" ON "webhook_deliveries"("webhook_id", "status");
