-- AlterTable
ALTER TABLE "webhook_deliveries" ADD COLUMN     "dispatch_batch_id" TEXT;
