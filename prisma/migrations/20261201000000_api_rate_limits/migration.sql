-- Per-API-key rate limit (issue 7): the request count of each key's current one-minute window, used when
-- Redis is not configured (one atomic upsert per request).

-- CreateTable
CREATE TABLE "api_rate_limits" (
    "api_key_id" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "request_count" INTEGER NOT NULL,

    CONSTRAINT "api_rate_limits_pkey" PRIMARY KEY ("api_key_id")
);

-- AddForeignKey
ALTER TABLE "api_rate_limits" ADD CONSTRAINT "api_rate_limits_api_key_id_fkey" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE CASCADE;
