-- AlterTable
ALTER TABLE "webhooks" ADD COLUMN "previous_secret_encrypted" TEXT,
ADD COLUMN "previous_secret_expires_at" TIMESTAMPTZ(3),
ADD COLUMN "failing_since" TIMESTAMPTZ(3),
ADD COLUMN "deactivated_reason" TEXT;
