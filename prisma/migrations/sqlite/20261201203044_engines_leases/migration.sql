-- CreateTable
CREATE TABLE "EngineMount" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "realmId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "config" TEXT NOT NULL,
    "secretCiphertext" TEXT NOT NULL,
    "secretKeyVersion" INTEGER NOT NULL,
    "healthOk" BOOLEAN NOT NULL DEFAULT true,
    "healthDetail" TEXT,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "EngineRole" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "mountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "options" TEXT NOT NULL,
    "defaultTtl" INTEGER NOT NULL,
    "maxTtl" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "EngineRole_mountId_fkey" FOREIGN KEY ("mountId") REFERENCES "EngineMount" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Lease" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "realmId" TEXT NOT NULL,
    "mountId" TEXT NOT NULL,
    "engine" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "issuedAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "ttlSeconds" INTEGER NOT NULL,
    "maxExpiresAt" DATETIME NOT NULL,
    "renewedAt" DATETIME,
    "noticeAt" DATETIME NOT NULL,
    "noticeSent" BOOLEAN NOT NULL DEFAULT false,
    "internal" TEXT NOT NULL,
    "keyVersion" INTEGER NOT NULL,
    "revokeRequestedAt" DATETIME,
    "revokeAttempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME,
    "lastError" TEXT,
    "endedAt" DATETIME,
    "createdBy" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "EngineMount_realmId_name_key" ON "EngineMount"("realmId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "EngineRole_mountId_name_key" ON "EngineRole"("mountId", "name");

-- CreateIndex
CREATE INDEX "Lease_state_expiresAt_idx" ON "Lease"("state", "expiresAt");

-- CreateIndex
CREATE INDEX "Lease_state_noticeAt_idx" ON "Lease"("state", "noticeAt");

-- CreateIndex
CREATE INDEX "Lease_realmId_state_idx" ON "Lease"("realmId", "state");

-- CreateIndex
CREATE INDEX "Lease_mountId_state_idx" ON "Lease"("mountId", "state");
