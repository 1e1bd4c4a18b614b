-- A sync job records the worker process running it (the key of the lease that process holds while alive) and
-- how often the worker running it stopped under it.
ALTER TABLE "sync_jobs" ADD COLUMN "worker_lease" INTEGER,
ADD COLUMN "interruptions" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "sync_jobs_running_lease_idx" ON "sync_jobs"("worker_lease") WHERE status = 'RUNNING';
