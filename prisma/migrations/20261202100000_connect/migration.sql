-- CreateEnum
CREATE TYPE "ConnectRunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "connect_destinations" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL DEFAULT 'postgres',
    "connection_url_encrypted" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "database" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connect_destinations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connect_connections" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "integration_id" TEXT NOT NULL,
    "destination_id" TEXT NOT NULL,
    "streams" JSONB NOT NULL,
    "schedule_type" TEXT NOT NULL,
    "schedule_cron" TEXT,
    "namespace" TEXT NOT NULL,
    "stream_prefix" TEXT NOT NULL DEFAULT '',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "next_run_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connect_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connect_runs" (
    "id" TEXT NOT NULL,
    "organization_id" TEXT NOT NULL,
    "connection_id" TEXT NOT NULL,
    "status" "ConnectRunStatus" NOT NULL,
    "trigger" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "connect_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "connect_run_streams" (
    "run_id" TEXT NOT NULL,
    "stream" TEXT NOT NULL,
    "sync_mode" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'PENDING',
    "records" INTEGER NOT NULL DEFAULT 0,
    "duration_ms" INTEGER,
    "error" TEXT,
    "started_at" TIMESTAMPTZ(3),

    CONSTRAINT "connect_run_streams_pkey" PRIMARY KEY ("run_id","stream")
);

-- CreateTable
CREATE TABLE "connect_stream_cursors" (
    "connection_id" TEXT NOT NULL,
    "stream" TEXT NOT NULL,
    "cursor_updated_at" TIMESTAMPTZ(3),
    "cursor_id" TEXT,
    "staging_run_id" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "connect_stream_cursors_pkey" PRIMARY KEY ("connection_id","stream")
);

-- CreateIndex
CREATE INDEX "properties_integration_id_updated_at_id_idx" ON "properties"("integration_id", "updated_at", "id");

-- CreateIndex
CREATE INDEX "units_integration_id_updated_at_id_idx" ON "units"("integration_id", "updated_at", "id");

-- CreateIndex
CREATE INDEX "residents_integration_id_updated_at_id_idx" ON "residents"("integration_id", "updated_at", "id");

-- CreateIndex
CREATE INDEX "leases_integration_id_updated_at_id_idx" ON "leases"("integration_id", "updated_at", "id");

-- CreateIndex
CREATE INDEX "connect_destinations_organization_id_created_at_idx" ON "connect_destinations"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "connect_connections_organization_id_created_at_idx" ON "connect_connections"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "connect_connections_destination_id_idx" ON "connect_connections"("destination_id");

-- CreateIndex
CREATE INDEX "connect_connections_integration_id_idx" ON "connect_connections"("integration_id");

-- CreateIndex
CREATE INDEX "connect_connections_next_run_at_idx" ON "connect_connections"("next_run_at");

-- CreateIndex
CREATE INDEX "connect_runs_connection_id_status_idx" ON "connect_runs"("connection_id", "status");

-- CreateIndex
CREATE INDEX "connect_runs_connection_id_created_at_idx" ON "connect_runs"("connection_id", "created_at");


-- AddForeignKey
ALTER TABLE "connect_connections" ADD CONSTRAINT "connect_connections_integration_id_fkey" FOREIGN KEY ("integration_id") REFERENCES "integrations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_connections" ADD CONSTRAINT "connect_connections_destination_id_fkey" FOREIGN KEY ("destination_id") REFERENCES "connect_destinations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_runs" ADD CONSTRAINT "connect_runs_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connect_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_run_streams" ADD CONSTRAINT "connect_run_streams_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "connect_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "connect_stream_cursors" ADD CONSTRAINT "connect_stream_cursors_connection_id_fkey" FOREIGN KEY ("connection_id") REFERENCES "connect_connections"("id") ON DELETE CASCADE ON UPDATE CASCADE;
