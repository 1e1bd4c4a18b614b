-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "IntegrationVendor" AS ENUM ('BUILDIUM', 'PROPERTYWARE_REST', 'YARDI', 'ENTRATA', 'APPFOLIO');

-- CreateEnum
CREATE TYPE "Cadence" AS ENUM ('SECOND', 'MINUTE', 'HOUR', 'DAY', 'WEEK', 'MONTH');

-- CreateEnum
CREATE TYPE "SyncRunKind" AS ENUM ('FIRST', 'SCHEDULED', 'MANUAL');

-- CreateEnum
CREATE TYPE "SyncRunStatus" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "SyncJobStatus" AS ENUM ('PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "DeliveryStatus" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "organizations" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organizations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "integrations" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "vendor" "IntegrationVendor" NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT false,
    "system" TEXT NOT NULL DEFAULT 'PRODUCTION',
    "credentials_encrypted" TEXT NOT NULL,
    "base_url" TEXT,
    "sync_frequency" INTEGER NOT NULL DEFAULT 12,
    "sync_cadence" "Cadence" NOT NULL DEFAULT 'HOUR',
    "max_request_frequency" INTEGER NOT NULL DEFAULT 1,
    "max_request_cadence" "Cadence" NOT NULL DEFAULT 'SECOND',
    "max_job_concurrency" INTEGER NOT NULL DEFAULT 1,
    "new_properties_are_enabled" BOOLEAN NOT NULL DEFAULT true,
    "is_archived" BOOLEAN NOT NULL DEFAULT false,
    "first_sync_started_at" TIMESTAMPTZ(3),
    "first_sync_completed_at" TIMESTAMPTZ(3),
    "last_completed_sync" TIMESTAMPTZ(3),
    "can_authenticate" BOOLEAN,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "integrations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_runs" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "integration_id" TEXT NOT NULL,
    "kind" "SyncRunKind" NOT NULL,
    "status" "SyncRunStatus" NOT NULL DEFAULT 'RUNNING',
    "models" TEXT[],
    "successful_job_count" INTEGER NOT NULL DEFAULT 0,
    "failed_job_count" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "sync_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sync_jobs" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "integration_id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "job_type" TEXT NOT NULL,
    "status" "SyncJobStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "records_seen" INTEGER NOT NULL DEFAULT 0,
    "records_written" INTEGER NOT NULL DEFAULT 0,
    "records_quarantined" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "sync_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quarantined_records" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "integration_id" TEXT NOT NULL,
    "job_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "x_id" TEXT,
    "reason" TEXT NOT NULL,
    "raw" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quarantined_records_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "properties" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "integration_id" TEXT NOT NULL,
    "integration_vendor" TEXT NOT NULL,
    "x_id" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "property_id" TEXT NOT NULL,
    "x_created_at" TIMESTAMPTZ(3),
    "x_property_id" TEXT NOT NULL,
    "x_building_id" TEXT,
    "building_number" TEXT,
    "city" TEXT,
    "code" TEXT,
    "country" TEXT,
    "county" TEXT,
    "custom_data" JSONB,
    "is_active" BOOLEAN,
    "manager_email" TEXT,
    "manager_name" TEXT,
    "manager_phone_1" TEXT,
    "manager_phone_1_type" TEXT,
    "manager_phone_2" TEXT,
    "manager_phone_2_type" TEXT,
    "name" TEXT,
    "notes" TEXT,
    "number_of_units" INTEGER,
    "square_footage" INTEGER,
    "square_feet" INTEGER,
    "state" TEXT,
    "street_address_1" TEXT,
    "street_address_2" TEXT,
    "address_1" TEXT,
    "address_2" TEXT,
    "type" TEXT,
    "type_raw" TEXT,
    "type_normalized" TEXT,
    "website" TEXT,
    "year_built" INTEGER,
    "zip" TEXT,
    "long_description" TEXT,
    "short_description" TEXT,

    CONSTRAINT "properties_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "units" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "integration_id" TEXT NOT NULL,
    "integration_vendor" TEXT NOT NULL,
    "x_id" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "x_property_id" TEXT NOT NULL,
    "x_floor_plan_id" TEXT,
    "x_unit_type_id" TEXT,
    "bathrooms" TEXT,
    "bathrooms_full" DOUBLE PRECISION,
    "bathrooms_half" DOUBLE PRECISION,
    "bedrooms" TEXT,
    "building_name" TEXT,
    "building_number" TEXT,
    "city" TEXT,
    "country" TEXT,
    "custom_data" JSONB,
    "floor_plan_code" TEXT,
    "floor_plan_name" TEXT,
    "floor" TEXT,
    "is_available" BOOLEAN,
    "is_furnished" BOOLEAN,
    "is_listed" BOOLEAN,
    "is_vacant" BOOLEAN,
    "number" TEXT,
    "rent_amount_market_in_cents" DOUBLE PRECISION,
    "rent_amount_max_in_cents" DOUBLE PRECISION,
    "rent_amount_min_in_cents" DOUBLE PRECISION,
    "square_feet" INTEGER,
    "state" TEXT,
    "street_address_1" TEXT,
    "street_address_2" TEXT,
    "address_1" TEXT,
    "address_2" TEXT,
    "zip" TEXT,
    "pets_allowed" BOOLEAN,
    "dogs_allowed" BOOLEAN,
    "cats_allowed" BOOLEAN,
    "pet_policy" TEXT,
    "floor_plan_id" TEXT,
    "property_id" TEXT NOT NULL,
    "unit_type_id" TEXT,

    CONSTRAINT "units_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "residents" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "integration_id" TEXT NOT NULL,
    "integration_vendor" TEXT NOT NULL,
    "x_id" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "x_lease_id" TEXT,
    "x_property_id" TEXT,
    "address_1_alternate" TEXT,
    "address_1" TEXT,
    "address_2_alternate" TEXT,
    "address_2" TEXT,
    "balance_in_cents" DOUBLE PRECISION,
    "city_alternate" TEXT,
    "city" TEXT,
    "country_alternate" TEXT,
    "country" TEXT,
    "custom_data" JSONB,
    "date_of_birth" TIMESTAMPTZ(3),
    "email_1" TEXT,
    "email_2" TEXT,
    "first_name" TEXT,
    "is_employee" BOOLEAN,
    "last_name" TEXT,
    "late_balance_in_cents" DOUBLE PRECISION,
    "middle_name" TEXT,
    "notes" TEXT,
    "phone_1_type" TEXT,
    "phone_1" TEXT,
    "phone_2_type" TEXT,
    "phone_2" TEXT,
    "state_alternate" TEXT,
    "state" TEXT,
    "zip_alternate" TEXT,
    "zip" TEXT,
    "property_id" TEXT,

    CONSTRAINT "residents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "leases" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "integration_id" TEXT NOT NULL,
    "integration_vendor" TEXT NOT NULL,
    "x_id" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "x_property_id" TEXT NOT NULL,
    "x_resident_id" TEXT,
    "x_unit_id" TEXT,
    "application_date" TIMESTAMPTZ(3),
    "custom_data" JSONB,
    "deposit_amount" TEXT,
    "deposit_amount_in_cents" DOUBLE PRECISION,
    "deposit_date" TIMESTAMPTZ(3),
    "end_date" TIMESTAMPTZ(3),
    "realized_move_in_date" TIMESTAMPTZ(3),
    "realized_move_out_date" TIMESTAMPTZ(3),
    "rent_amount_in_cents" DOUBLE PRECISION,
    "rent_amount_market_in_cents" DOUBLE PRECISION,
    "rent_due_day" INTEGER,
    "rent_due_date" TIMESTAMPTZ(3),
    "scheduled_move_in_date" TIMESTAMPTZ(3),
    "scheduled_move_out_date" TIMESTAMPTZ(3),
    "signature_date" TIMESTAMPTZ(3),
    "start_date" TIMESTAMPTZ(3),
    "status" TEXT,
    "status_normalized" TEXT,
    "status_raw" TEXT,
    "term" TEXT,
    "type" TEXT,
    "unit_number" TEXT,
    "write_off_amount_in_cents" DOUBLE PRECISION,
    "write_off_amount_raw" TEXT,
    "balance_amount_in_cents" DOUBLE PRECISION,
    "balance_amount_raw" TEXT,
    "past_due_balance_in_cents" DOUBLE PRECISION,
    "past_due_balance_raw" TEXT,
    "unit_id" TEXT,
    "property_id" TEXT NOT NULL,

    CONSTRAINT "leases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "residents_to_leases" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "integration_id" TEXT NOT NULL,
    "resident_id" TEXT NOT NULL,
    "lease_id" TEXT NOT NULL,
    "x_resident_id" TEXT NOT NULL,
    "x_lease_id" TEXT NOT NULL,
    "x_resident_type" TEXT,
    "resident_type_normalized" TEXT,
    "move_in_date" TIMESTAMPTZ(3),
    "move_out_date" TIMESTAMPTZ(3),
    "notice_date" TIMESTAMPTZ(3),
    "custom_data" JSONB,
    "content_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen" TIMESTAMPTZ(3),

    CONSTRAINT "residents_to_leases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "events" (
    "id" TEXT NOT NULL,
    "sequence" BIGSERIAL NOT NULL,
    "organization_id" TEXT NOT NULL,
    "integration_id" TEXT,
    "trigger" TEXT NOT NULL,
    "model" TEXT,
    "record_id" TEXT,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "relayed_at" TIMESTAMPTZ(3),

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhooks" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "integration_id" TEXT,
    "url" TEXT NOT NULL,
    "secret_encrypted" TEXT NOT NULL,
    "headers" JSONB NOT NULL DEFAULT '[]',
    "active" BOOLEAN NOT NULL DEFAULT false,
    "system" TEXT NOT NULL DEFAULT 'PRODUCTION',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhooks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_triggers" (
    "id" TEXT NOT NULL,
    "webhook_id" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "model" TEXT,

    CONSTRAINT "webhook_triggers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "webhook_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "status" "DeliveryStatus" NOT NULL DEFAULT 'PENDING',
    "attempt_count" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "last_attempt_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "webhook_attempts" (
    "id" TEXT NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "attempt_number" INTEGER NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "duration_ms" INTEGER NOT NULL,
    "status_code" INTEGER,
    "response_excerpt" TEXT,
    "error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3),

    CONSTRAINT "webhook_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- CreateIndex
CREATE INDEX "api_keys_organization_id_idx" ON "api_keys"("organization_id");

-- CreateIndex
CREATE INDEX "integrations_organization_id_created_at_idx" ON "integrations"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "sync_runs_integration_id_started_at_idx" ON "sync_runs"("integration_id", "started_at");

-- CreateIndex
CREATE INDEX "sync_jobs_run_id_idx" ON "sync_jobs"("run_id");

-- CreateIndex
CREATE INDEX "sync_jobs_integration_id_created_at_idx" ON "sync_jobs"("integration_id", "created_at");

-- CreateIndex
CREATE INDEX "quarantined_records_integration_id_created_at_idx" ON "quarantined_records"("integration_id", "created_at");

-- CreateIndex
CREATE INDEX "properties_organization_id_created_at_idx" ON "properties"("organization_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "properties_integration_id_x_id_key" ON "properties"("integration_id", "x_id");

-- CreateIndex
CREATE INDEX "units_organization_id_created_at_idx" ON "units"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "units_property_id_idx" ON "units"("property_id");

-- CreateIndex
CREATE UNIQUE INDEX "units_integration_id_x_id_key" ON "units"("integration_id", "x_id");

-- CreateIndex
CREATE INDEX "residents_organization_id_created_at_idx" ON "residents"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "residents_property_id_idx" ON "residents"("property_id");

-- CreateIndex
CREATE INDEX "residents_email_1_idx" ON "residents"("email_1");

-- CreateIndex
CREATE UNIQUE INDEX "residents_integration_id_x_id_key" ON "residents"("integration_id", "x_id");

-- CreateIndex
CREATE INDEX "leases_organization_id_created_at_idx" ON "leases"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "leases_property_id_idx" ON "leases"("property_id");

-- CreateIndex
CREATE INDEX "leases_unit_id_idx" ON "leases"("unit_id");

-- CreateIndex
CREATE UNIQUE INDEX "leases_integration_id_x_id_key" ON "leases"("integration_id", "x_id");

-- CreateIndex
CREATE INDEX "residents_to_leases_resident_id_idx" ON "residents_to_leases"("resident_id");

-- CreateIndex
CREATE UNIQUE INDEX "residents_to_leases_lease_id_resident_id_key" ON "residents_to_leases"("lease_id", "resident_id");

-- CreateIndex
CREATE UNIQUE INDEX "events_sequence_key" ON "events"("sequence");

-- CreateIndex
CREATE INDEX "events_relayed_at_sequence_idx" ON "events"("relayed_at", "sequence");

-- CreateIndex
CREATE INDEX "events_organization_id_sequence_idx" ON "events"("organization_id", "sequence");

-- CreateIndex
CREATE INDEX "webhooks_organization_id_created_at_idx" ON "webhooks"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "webhook_triggers_trigger_webhook_id_idx" ON "webhook_triggers"("trigger", "webhook_id");

-- CreateIndex
CREATE INDEX "webhook_deliveries_status_next_attempt_at_idx" ON "webhook_deliveries"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "webhook_deliveries_webhook_id_event_id_key" ON "webhook_deliveries"("webhook_id", "event_id");

-- CreateIndex
CREATE INDEX "webhook_attempts_delivery_id_attempt_number_idx" ON "webhook_attempts"("delivery_id", "attempt_number");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "integrations" ADD CONSTRAINT "integrations_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sync_jobs" ADD CONSTRAINT "sync_jobs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "sync_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhooks" ADD CONSTRAINT "webhooks_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_triggers" ADD CONSTRAINT "webhook_triggers_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "webhook_attempts" ADD CONSTRAINT "webhook_attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

