-- Attempts are keyed by (delivery_id, attempt_number): one index per attempt instead of a random id plus
-- the log index. Attempts logged twice under one number (a stalled job run twice) are renumbered in the
-- order they started first, and their delivery's count follows.
UPDATE "webhook_attempts" a SET "attempt_number" = r."n"
FROM (SELECT "id", row_number() OVER (PARTITION BY "delivery_id" ORDER BY "attempt_number", "started_at", "id")::int AS "n" FROM "webhook_attempts") r
WHERE a."id" = r."id" AND a."attempt_number" <> r."n";

UPDATE "webhook_deliveries" d SET "attempt_count" = m."n"
FROM (SELECT "delivery_id", max("attempt_number") AS "n" FROM "webhook_attempts" GROUP BY "delivery_id") m
WHERE d."id" = m."delivery_id" AND d."attempt_count" < m."n";

-- DropIndex
DROP INDEX "webhook_attempts_delivery_id_attempt_number_idx";

-- AlterTable
ALTER TABLE "webhook_attempts" DROP CONSTRAINT "webhook_attempts_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "webhook_attempts_pkey" PRIMARY KEY ("delivery_id", "attempt_number");
