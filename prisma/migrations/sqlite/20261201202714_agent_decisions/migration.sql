-- CreateTable
CREATE TABLE "PolicyVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "version" INTEGER NOT NULL,
    "source" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "state" TEXT NOT NULL DEFAULT 'draft',
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activatedAt" DATETIME
);

-- CreateTable
CREATE TABLE "DecisionRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "time" DATETIME NOT NULL,
    "requestId" TEXT NOT NULL,
    "caller" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "principal" TEXT,
    "userId" TEXT,
    "agentId" TEXT,
    "task" TEXT NOT NULL DEFAULT '',
    "scopes" TEXT,
    "action" TEXT NOT NULL,
    "resourceType" TEXT NOT NULL,
    "resourceId" TEXT NOT NULL,
    "resourceAttrs" TEXT NOT NULL DEFAULT '{}',
    "context" TEXT NOT NULL DEFAULT '{}',
    "decision" TEXT NOT NULL,
    "lane" TEXT NOT NULL,
    "policyId" TEXT,
    "policyVersion" INTEGER,
    "matched" TEXT NOT NULL DEFAULT '[]',
    "reasons" TEXT NOT NULL DEFAULT '[]',
    "reviewId" TEXT,
    "latencyUs" INTEGER NOT NULL,
    "shadowVersion" INTEGER,
    "shadowDecision" TEXT,
    "shadowPolicyId" TEXT
);

-- CreateTable
CREATE TABLE "Review" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "state" TEXT NOT NULL,
    "decisionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "principal" TEXT NOT NULL,
    "task" TEXT NOT NULL DEFAULT '',
    "action" TEXT NOT NULL,
    "resourceKey" TEXT NOT NULL,
    "resource" TEXT NOT NULL,
    "policyId" TEXT,
    "requestedAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "decidedAt" DATETIME,
    "decidedBy" TEXT,
    "note" TEXT,
    "approvedUntil" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "PolicyVersion_version_key" ON "PolicyVersion"("version");

-- CreateIndex
CREATE INDEX "PolicyVersion_state_idx" ON "PolicyVersion"("state");

-- CreateIndex
CREATE INDEX "DecisionRecord_time_idx" ON "DecisionRecord"("time");

-- CreateIndex
CREATE INDEX "DecisionRecord_shadowVersion_time_idx" ON "DecisionRecord"("shadowVersion", "time");

-- CreateIndex
CREATE INDEX "Review_state_requestedAt_idx" ON "Review"("state", "requestedAt");

-- CreateIndex
CREATE INDEX "Review_userId_agentId_action_resourceKey_idx" ON "Review"("userId", "agentId", "action", "resourceKey");
