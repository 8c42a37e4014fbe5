-- CreateIndex
CREATE INDEX "AuditRecord_realm_actor_seq_idx" ON "AuditRecord"("realm", "actor", "seq");
