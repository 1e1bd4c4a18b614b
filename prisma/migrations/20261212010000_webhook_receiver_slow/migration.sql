-- AlterTable
ALTER TABLE "webhooks" ADD COLUMN     "receiver_slow_since" TIMESTAMPTZ(3);
