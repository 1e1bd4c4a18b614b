-- The per-webhook limits across worker processes when the queue is in PostgreSQL: the leases of attempts in
-- flight to a slow receiver, and the current one-second rate window (with Redis they live in Redis).

-- CreateTable
CREATE TABLE "webhook_limits" (
    "webhook_id" TEXT NOT NULL,
    "leases" JSONB NOT NULL DEFAULT '{}',
    "window_start" TIMESTAMPTZ(3),
    "window_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "webhook_limits_pkey" PRIMARY KEY ("webhook_id")
);

-- AddForeignKey
ALTER TABLE "webhook_limits" ADD CONSTRAINT "webhook_limits_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
