-- Stored custom headers an attempt left out because they would steer the delivery (Host, hop-by-hop and
-- framing headers, the headers Latchkey sets); null when none was.

-- AlterTable
ALTER TABLE "webhook_attempts" ADD COLUMN "dropped_headers" TEXT[];
