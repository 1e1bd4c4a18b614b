-- A run in which some models synced and others failed ends PARTIAL, no longer SUCCEEDED.

-- AlterEnum
ALTER TYPE "SyncRunStatus" ADD VALUE 'PARTIAL';
