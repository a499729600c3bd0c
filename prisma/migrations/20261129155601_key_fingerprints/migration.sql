-- CreateTable
CREATE TABLE "key_fingerprints" (
    "name" TEXT NOT NULL,
    "fingerprint" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "key_fingerprints_pkey" PRIMARY KEY ("name")
);
