-- CreateTable
CREATE TABLE "GatewayRoute" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "upstream" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "inject" TEXT NOT NULL,
    "timeoutMs" INTEGER NOT NULL,
    "maxBodyBytes" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
