-- CreateTable
CREATE TABLE "Plugin" (
    "name" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "engineType" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "signerKeyId" TEXT NOT NULL,
    "hostFunctions" TEXT NOT NULL,
    "envelope" TEXT NOT NULL,
    "files" TEXT NOT NULL,
    "crashCount" INTEGER NOT NULL DEFAULT 0,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Plugin_pkey" PRIMARY KEY ("name")
);

-- CreateTable
CREATE TABLE "PluginCrash" (
    "id" TEXT NOT NULL,
    "plugin" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "limit" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "realm" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PluginCrash_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PluginStorage" (
    "realmId" TEXT NOT NULL,
    "mountId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PluginStorage_pkey" PRIMARY KEY ("realmId","mountId","key")
);

-- CreateTable
CREATE TABLE "PluginRegistryState" (
    "url" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PluginRegistryState_pkey" PRIMARY KEY ("url")
);

-- CreateIndex
CREATE UNIQUE INDEX "Plugin_engineType_key" ON "Plugin"("engineType");

-- CreateIndex
CREATE INDEX "PluginCrash_plugin_createdAt_idx" ON "PluginCrash"("plugin", "createdAt");

-- CreateIndex
CREATE INDEX "PluginCrash_createdAt_idx" ON "PluginCrash"("createdAt");
