-- AlterTable
ALTER TABLE "webhooks" ADD COLUMN "previous_secret_encrypted" TEXT,
ADD COLUMN "previous_secret_expires_at" TIMESTAMPTZ(3),
ADD COLUMN "failing_since" TIMESTAMPTZ(3),
ADD COLUMN "deactivated_reason" TEXT;

-- Deliveries carry their event's ordering keys, so "is an earlier delivery of this record pending?" is one index probe.
ALTER TABLE "webhook_deliveries" ADD COLUMN "event_sequence" BIGINT,
ADD COLUMN "record_id" TEXT,
ADD COLUMN "integration_id" TEXT;

UPDATE "webhook_deliveries" d SET "event_sequence" = e."sequence", "record_id" = e."record_id", "integration_id" = e."integration_id"
FROM "events" e WHERE e."id" = d."event_id";

ALTER TABLE "webhook_deliveries" ALTER COLUMN "event_sequence" SET NOT NULL;

-- DropIndex
DROP INDEX "webhook_deliveries_webhook_id_status_idx";

-- CreateIndex
CREATE INDEX "webhook_deliveries_webhook_id_status_record_id_event_sequen_idx" ON "webhook_deliveries"("webhook_id", "status", "record_id", "event_sequence");

-- CreateIndex
CREATE INDEX "webhook_deliveries_webhook_id_status_integration_id_event_s_idx" ON "webhook_deliveries"("webhook_id", "status", "integration_id", "event_sequence");
