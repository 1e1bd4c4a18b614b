-- Writes to the PMS (issue 20): a job per write, its vendor requests and answers, and the request budget's
-- hold on sync requests while a write waits for a slot.

-- CreateEnum
CREATE TYPE "WriteStatus" AS ENUM ('PENDING', 'RUNNING', 'SUCCESS', 'PARTIAL_SUCCESS', 'FAILURE');

-- AlterTable
ALTER TABLE "vendor_states" ADD COLUMN "writes_waiting_until" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "write_jobs" (
    "id" TEXT NOT NULL,
    "root_job_id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "integration_id" TEXT NOT NULL,
    "model" TEXT NOT NULL,
    "operation" TEXT NOT NULL,
    "record_id" TEXT,
    "x_id" TEXT,
    "parameters" JSONB NOT NULL,
    "fields" JSONB NOT NULL,
    "ignored_fields" TEXT[],
    "status" "WriteStatus" NOT NULL DEFAULT 'PENDING',
    "errors" TEXT[],
    "created_record_id" TEXT,
    "sequence" BIGSERIAL NOT NULL,
    "sent_at" TIMESTAMPTZ(3),
    "idempotency_key" TEXT,
    "body_hash" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "write_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "write_job_logs" (
    "id" TEXT NOT NULL,
    "write_job_id" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "request" JSONB,
    "status" INTEGER,
    "response" JSONB,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "write_job_logs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "write_jobs_root_job_id_created_at_idx" ON "write_jobs"("root_job_id", "created_at");

-- CreateIndex
CREATE INDEX "write_jobs_integration_id_record_id_sequence_idx" ON "write_jobs"("integration_id", "record_id", "sequence");

-- CreateIndex
CREATE INDEX "write_jobs_organization_id_created_at_idx" ON "write_jobs"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "write_jobs_organization_id_idempotency_key_created_at_idx" ON "write_jobs"("organization_id", "idempotency_key", "created_at");

-- CreateIndex
CREATE INDEX "write_job_logs_write_job_id_created_at_idx" ON "write_job_logs"("write_job_id", "created_at");

-- AddForeignKey
ALTER TABLE "write_jobs" ADD CONSTRAINT "write_jobs_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "write_job_logs" ADD CONSTRAINT "write_job_logs_write_job_id_fkey" FOREIGN KEY ("write_job_id") REFERENCES "write_jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
