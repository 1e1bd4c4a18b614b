-- CreateTable
CREATE TABLE "service_requests" (
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
    "x_location_id" TEXT,
    "x_unit_id" TEXT,
    "x_sub_task_id" TEXT,
    "access_is_authorized" BOOLEAN,
    "access_notes" TEXT,
    "building" TEXT,
    "completion_notes" TEXT,
    "date_completed" TIMESTAMPTZ(3),
    "date_created" TIMESTAMPTZ(3),
    "date_due" TIMESTAMPTZ(3),
    "date_scheduled" TIMESTAMPTZ(3),
    "notes" TEXT,
    "service_category" TEXT,
    "service_description" TEXT,
    "service_details" TEXT,
    "service_priority" TEXT,
    "status_raw" TEXT,
    "vendor_notes" TEXT,
    "unit_number" TEXT,
    "order_number" TEXT,
    "property_id" TEXT NOT NULL,
    "unit_id" TEXT,
    "employee_id" TEXT,
    "vendors" JSONB,
    "history" JSONB,
    "employees" JSONB,

    CONSTRAINT "service_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "resident_charges" (
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
    "x_gl_account_id" TEXT,
    "x_location_id" TEXT,
    "x_lease_id" TEXT,
    "x_resident_id" TEXT,
    "x_unit_id" TEXT,
    "x_charge_code_id" TEXT,
    "amount_in_cents" BIGINT,
    "amount_raw" TEXT,
    "amount_open_in_cents" BIGINT,
    "amount_open_raw" TEXT,
    "amount_paid_in_cents" BIGINT,
    "amount_paid_raw" TEXT,
    "due_date" TIMESTAMPTZ(3),
    "name" TEXT,
    "description" TEXT,
    "reference_number" TEXT,
    "transaction_date" TIMESTAMPTZ(3),
    "transaction_source" TEXT,
    "is_open" BOOLEAN,
    "post_month" TEXT,
    "custom_data" JSONB,
    "property_id" TEXT NOT NULL,
    "resident_id" TEXT,
    "financial_account_id" TEXT,
    "unit_id" TEXT,
    "lease_id" TEXT,
    "charge_code_id" TEXT,
    "allocations" JSONB,

    CONSTRAINT "resident_charges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "resident_payments" (
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
    "x_gl_account_id" TEXT,
    "x_location_id" TEXT,
    "x_lease_id" TEXT,
    "x_resident_id" TEXT,
    "x_unit_id" TEXT,
    "x_charge_code_id" TEXT,
    "payment_method_normalized" TEXT,
    "payment_method_raw" TEXT,
    "amount_in_cents" BIGINT,
    "amount_raw" TEXT,
    "name" TEXT,
    "description" TEXT,
    "reference_number" TEXT,
    "transaction_date" TIMESTAMPTZ(3),
    "is_open" BOOLEAN,
    "post_month" TEXT,
    "custom_data" JSONB,
    "property_id" TEXT NOT NULL,
    "resident_id" TEXT,
    "financial_account_id" TEXT,
    "unit_id" TEXT,
    "lease_id" TEXT,
    "charge_code_id" TEXT,
    "allocations" JSONB,

    CONSTRAINT "resident_payments_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "service_requests_integration_id_updated_at_id_idx" ON "service_requests"("integration_id", "updated_at", "id");

-- CreateIndex
CREATE INDEX "service_requests_organization_id_created_at_idx" ON "service_requests"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "service_requests_property_id_idx" ON "service_requests"("property_id");

-- CreateIndex
CREATE INDEX "service_requests_unit_id_idx" ON "service_requests"("unit_id");

-- CreateIndex
CREATE INDEX "service_requests_employee_id_idx" ON "service_requests"("employee_id");

-- CreateIndex
CREATE INDEX "service_requests_vendors_idx" ON "service_requests" USING GIN ("vendors" jsonb_path_ops);

-- CreateIndex
CREATE UNIQUE INDEX "service_requests_integration_id_x_id_key" ON "service_requests"("integration_id", "x_id");

-- CreateIndex
CREATE INDEX "resident_charges_integration_id_updated_at_id_idx" ON "resident_charges"("integration_id", "updated_at", "id");

-- CreateIndex
CREATE INDEX "resident_charges_organization_id_created_at_idx" ON "resident_charges"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "resident_charges_property_id_idx" ON "resident_charges"("property_id");

-- CreateIndex
CREATE INDEX "resident_charges_resident_id_idx" ON "resident_charges"("resident_id");

-- CreateIndex
CREATE INDEX "resident_charges_lease_id_idx" ON "resident_charges"("lease_id");

-- CreateIndex
CREATE INDEX "resident_charges_organization_id_transaction_date_idx" ON "resident_charges"("organization_id", "transaction_date");

-- CreateIndex
CREATE UNIQUE INDEX "resident_charges_integration_id_x_id_key" ON "resident_charges"("integration_id", "x_id");

-- CreateIndex
CREATE INDEX "resident_payments_integration_id_updated_at_id_idx" ON "resident_payments"("integration_id", "updated_at", "id");

-- CreateIndex
CREATE INDEX "resident_payments_organization_id_created_at_idx" ON "resident_payments"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "resident_payments_property_id_idx" ON "resident_payments"("property_id");

-- CreateIndex
CREATE INDEX "resident_payments_resident_id_idx" ON "resident_payments"("resident_id");

-- CreateIndex
CREATE INDEX "resident_payments_lease_id_idx" ON "resident_payments"("lease_id");

-- CreateIndex
CREATE INDEX "resident_payments_organization_id_transaction_date_idx" ON "resident_payments"("organization_id", "transaction_date");

-- CreateIndex
CREATE UNIQUE INDEX "resident_payments_integration_id_x_id_key" ON "resident_payments"("integration_id", "x_id");
