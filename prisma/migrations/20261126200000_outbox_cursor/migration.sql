-- The relay keeps one cursor instead of marking every event relayed (an update of each event row and its
-- indexes); it starts before the oldest event not yet relayed.
CREATE TABLE "outbox_cursor" (
    "id" INTEGER NOT NULL,
    "sequence" BIGINT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_cursor_pkey" PRIMARY KEY ("id")
);

INSERT INTO "outbox_cursor" ("id", "sequence")
SELECT 1, coalesce((SELECT min("sequence") - 1 FROM "events" WHERE "relayed_at" IS NULL), (SELECT max("sequence") FROM "events"), 0);

-- DropIndex
DROP INDEX "events_relayed_at_sequence_idx";

-- AlterTable
ALTER TABLE "events" DROP COLUMN "relayed_at";
