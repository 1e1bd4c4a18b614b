-- AlterTable
ALTER TABLE "integrations" ADD COLUMN     "models_to_sync" TEXT[] DEFAULT ARRAY[]::TEXT[];
