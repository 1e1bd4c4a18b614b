-- The integration-level ordering index now leads with integration_id, so the per-record probe can only use
-- the record index (a shared webhook_id/status prefix let a young table's planner pick the wrong one).
DROP INDEX "webhook_deliveries_webhook_id_status_integration_id_event_s_idx";

-- CreateIndex
CREATE INDEX "webhook_deliveries_integration_id_webhook_id_status_event_s_idx" ON "webhook_deliveries"("integration_id", "webhook_id", "status", "event_sequence");
