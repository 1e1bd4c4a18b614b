-- The dispatcher's and the sweeper's indexes hold pending deliveries only. A delivery's status update to
-- SUCCEEDED or FAILED then writes no entry into them, and they stay the size of the backlog, not of the history.

-- DropIndex
DROP INDEX "webhook_deliveries_status_next_attempt_at_idx";

-- DropIndex
DROP INDEX "webhook_deliveries_webhook_id_status_record_id_event_sequen_idx";

-- DropIndex
DROP INDEX "webhook_deliveries_integration_id_webhook_id_status_event_s_idx";

-- CreateIndex
CREATE INDEX "webhook_deliveries_pending_due_idx" ON "webhook_deliveries"("next_attempt_at") WHERE status = 'PENDING';

-- CreateIndex
CREATE INDEX "webhook_deliveries_pending_record_idx" ON "webhook_deliveries"("webhook_id", "record_id", "event_sequence") WHERE status = 'PENDING';

-- CreateIndex
CREATE INDEX "webhook_deliveries_pending_integration_idx" ON "webhook_deliveries"("integration_id", "webhook_id", "event_sequence") WHERE status = 'PENDING';
