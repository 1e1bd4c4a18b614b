-- Replays run as jobs: a row per replay holds its window, its progress (the sequence its last committed
-- batch reached) and its counts, so a worker killed mid-replay is replaced by one that resumes.

-- CreateEnum
CREATE TYPE "ReplayStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "webhook_replays" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "webhook_id" TEXT NOT NULL,
    "status" "ReplayStatus" NOT NULL DEFAULT 'QUEUED',
    "since" TIMESTAMPTZ(3) NOT NULL,
    "until" TIMESTAMPTZ(3) NOT NULL,
    "last_sequence" BIGINT,
    "through_sequence" BIGINT,
    "replayed" INTEGER NOT NULL DEFAULT 0,
    "already_pending" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_replays_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_replays_webhook_id_created_at_idx" ON "webhook_replays"("webhook_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_replays_status_updated_at_idx" ON "webhook_replays"("status", "updated_at");

-- AddForeignKey
ALTER TABLE "webhook_replays" ADD CONSTRAINT "webhook_replays_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
