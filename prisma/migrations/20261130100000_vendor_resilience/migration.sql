-- Request budget and circuit breaker per integration, vendor-reported rate limits, schema drift reports.

-- CreateTable
CREATE TABLE "vendor_states" (
    "integration_id" TEXT NOT NULL,
    "next_slot_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "circuit_open_until" TIMESTAMPTZ(3),
    "circuit_opened_count" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "last_failure_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vendor_states_pkey" PRIMARY KEY ("integration_id")
);

-- CreateTable
CREATE TABLE "vendor_rate_limits" (
    "integration_id" TEXT NOT NULL,
    "api" TEXT NOT NULL,
    "minute_limit" INTEGER,
    "hour_limit" INTEGER,
    "day_limit" INTEGER,
    "minute_remaining" INTEGER,
    "hour_remaining" INTEGER,
    "day_remaining" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "vendor_rate_limits_pkey" PRIMARY KEY ("integration_id","api")
);

-- CreateTable
CREATE TABLE "schema_drift" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "integration_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "field" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "occurrences" INTEGER NOT NULL DEFAULT 0,
    "sample_x_id" TEXT,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "schema_drift_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "schema_drift_integration_id_model_field_kind_key" ON "schema_drift"("integration_id", "model", "field", "kind");

-- AddForeignKey
ALTER TABLE "vendor_states" ADD CONSTRAINT "vendor_states_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- AddForeignKey
ALTER TABLE "vendor_rate_limits" ADD CONSTRAINT "vendor_rate_limits_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- AddForeignKey
ALTER TABLE "schema_drift" ADD CONSTRAINT "schema_drift_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
