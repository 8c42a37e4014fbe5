-- CreateTable
CREATE TABLE "GatewayRoute" (
    "name" TEXT NOT NULL,
    "upstream" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "inject" TEXT NOT NULL,
    "timeoutMs" INTEGER NOT NULL,
    "maxBodyBytes" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "GatewayRoute_pkey" PRIMARY KEY ("name")
);
