-- Vendor values a mapping table did not know, counted per integration, model, field and value.
-- CreateTable
CREATE TABLE "unknown_values" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "integration_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "mapped_to" TEXT,
    "occurrences" INTEGER NOT NULL DEFAULT 0,
    "sample_x_id" TEXT,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "unknown_values_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "unknown_values_integration_id_model_field_value_key" ON "unknown_values"("integration_id", "model", "field", "value");

-- AddForeignKey
ALTER TABLE "unknown_values" ADD CONSTRAINT "unknown_values_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
