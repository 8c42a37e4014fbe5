-- CreateTable
CREATE TABLE "Plugin" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "version" TEXT NOT NULL,
    "engineType" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "signerKeyId" TEXT NOT NULL,
    "hostFunctions" TEXT NOT NULL,
    "envelope" TEXT NOT NULL,
    "files" TEXT NOT NULL,
    "crashCount" INTEGER NOT NULL DEFAULT 0,
    "installedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PluginCrash" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "plugin" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "limit" TEXT NOT NULL,
    "detail" TEXT NOT NULL,
    "realm" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "PluginStorage" (
    "realmId" TEXT NOT NULL,
    "mountId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("realmId", "mountId", "key")
);

-- CreateTable
CREATE TABLE "PluginRegistryState" (
    "url" TEXT NOT NULL PRIMARY KEY,
    "version" INTEGER NOT NULL,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Plugin_engineType_key" ON "Plugin"("engineType");

-- CreateIndex
CREATE INDEX "PluginCrash_plugin_createdAt_idx" ON "PluginCrash"("plugin", "createdAt");

-- CreateIndex
CREATE INDEX "PluginCrash_createdAt_idx" ON "PluginCrash"("createdAt");
