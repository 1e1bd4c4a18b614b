-- Connect replicates residents_to_leases: keyset pages by (updated_at, id) within an integration.
-- CreateIndex
CREATE INDEX "residents_to_leases_integration_id_updated_at_id_idx" ON "residents_to_leases"("integration_id", "updated_at", "id");
