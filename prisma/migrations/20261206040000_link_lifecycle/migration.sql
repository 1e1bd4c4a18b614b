-- Resident <-> lease links that stop showing are kept, like records: hidden since deleted_at (they ended, or
-- their resident or lease vanished from the PMS), readable with include_deleted=true.
-- AlterTable
ALTER TABLE "residents_to_leases" ADD COLUMN     "deleted_at" TIMESTAMPTZ(3),
ADD COLUMN     "ended" BOOLEAN NOT NULL DEFAULT false;
