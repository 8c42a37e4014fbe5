var __defProp = Object.defineProperty;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __esm = (fn, res, err) => function __init() {
  if (err) throw err[0];
  try {
    return fn && (res = (0, fn[__getOwnPropNames(fn)[0]])(fn = 0)), res;
  } catch (e) {
    throw err = [e], e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// server/store/generated/postgres/internal/class.ts
import * as runtime3 from "@prisma/client/runtime/client";
async function decodeBase64AsWasm2(wasmBase64) {
  const { Buffer: Buffer2 } = await import("node:buffer");
  const wasmArray = Buffer2.from(wasmBase64, "base64");
  return new WebAssembly.Module(wasmArray);
}
function getPrismaClientClass2() {
  return runtime3.getPrismaClient(config2);
}
var config2;
var init_class = __esm({
  "server/store/generated/postgres/internal/class.ts"() {
    "use strict";
    config2 = {
      "previewFeatures": [],
      "clientVersion": "7.10.1",
      "engineVersion": "d1b3f377ca835d73fd50954a5e22128b9ebdd6b8",
      "activeProvider": "postgresql",
      "inlineSchema": '// GENERATED from ../schema.prisma by scripts/prisma.ts (npm run db:generate).\n// Do not edit: same models; only the datasource provider and the client output differ.\n\ngenerator client {\n  provider     = "prisma-client"\n  output       = "../../server/store/generated/postgres"\n  moduleFormat = "esm"\n  runtime      = "nodejs"\n}\n\ndatasource db {\n  provider = "postgresql"\n}\n\nmodel Realm {\n  id          String   @id\n  name        String   @unique\n  description String   @default("")\n  createdAt   DateTime @default(now())\n  updatedAt   DateTime @updatedAt\n\n  keys     RealmKey[]\n  secrets  Secret[]\n  bindings Binding[]\n}\n\n// A realm\'s data-encryption keys, wrapped by the key-encryption key (KMS provider).\nmodel RealmKey {\n  realmId    String\n  version    Int\n  wrappedKey String\n  kekId      String\n  createdAt  DateTime @default(now())\n\n  realm Realm @relation(fields: [realmId], references: [id], onDelete: Cascade)\n\n  @@id([realmId, version])\n}\n\nmodel Token {\n  id           String    @id\n  name         String\n  description  String    @default("")\n  // First characters of the value, for display; never enough to use it.\n  prefix       String\n  hash         String    @unique\n  isAdmin      Boolean   @default(false)\n  capabilities String    @default("[]")\n  realms       String    @default("[]")\n  rateLimit    Int?\n  createdBy    String\n  expiresAt    DateTime?\n  revokedAt    DateTime?\n  lastUsedAt   DateTime?\n  createdAt    DateTime  @default(now())\n  updatedAt    DateTime  @updatedAt\n\n  @@index([createdAt])\n}\n\nmodel User {\n  id           String   @id\n  name         String   @unique\n  passwordHash String\n  disabled     Boolean  @default(false)\n  createdAt    DateTime @default(now())\n  updatedAt    DateTime @updatedAt\n}\n\nmodel Role {\n  id           String   @id\n  name         String   @unique\n  description  String   @default("")\n  capabilities String\n  builtin      Boolean  @default(false)\n  createdAt    DateTime @default(now())\n  updatedAt    DateTime @updatedAt\n\n  bindings Binding[]\n}\n\nmodel Binding {\n  id        String   @id\n  // "user:<name>" or "token:<id>"\n  subject   String\n  roleId    String\n  // null means every realm ("*")\n  realmId   String?\n  createdAt DateTime @default(now())\n\n  role  Role   @relation(fields: [roleId], references: [id], onDelete: Cascade)\n  realm Realm? @relation(fields: [realmId], references: [id], onDelete: Cascade)\n\n  @@unique([subject, roleId, realmId])\n  @@index([subject])\n}\n\nmodel Secret {\n  id             String   @id\n  realmId        String\n  key            String\n  currentVersion Int\n  createdAt      DateTime @default(now())\n  updatedAt      DateTime @updatedAt\n\n  realm    Realm           @relation(fields: [realmId], references: [id], onDelete: Cascade)\n  versions SecretVersion[]\n\n  @@unique([realmId, key])\n}\n\nmodel SecretVersion {\n  secretId   String\n  version    Int\n  // AES-256-GCM: base64 of iv | ciphertext | tag, under the realm key `keyVersion`.\n  ciphertext String\n  keyVersion Int\n  createdBy  String\n  createdAt  DateTime @default(now())\n\n  secret Secret @relation(fields: [secretId], references: [id], onDelete: Cascade)\n\n  @@id([secretId, version])\n}\n\n// Append-only, hash-chained audit log. `seq` orders the chain.\nmodel AuditRecord {\n  seq        Int      @id @default(autoincrement())\n  id         String   @unique\n  time       DateTime\n  requestId  String\n  actor      String\n  action     String\n  realm      String?\n  resource   String?\n  outcome    String\n  status     Int\n  capability String?\n  reason     String?\n  ip         String?\n  details    String   @default("{}")\n  prevHash   String\n  hash       String\n\n  @@index([time])\n  @@index([realm, time])\n  @@index([actor])\n  @@index([action])\n  @@index([requestId])\n}\n\n// Policy-guardian decisions aggregated per minute, for the console\'s lane charts.\nmodel DecisionMinute {\n  id         String   @id\n  minute     DateTime\n  lane       String\n  realm      String\n  capability String\n  subject    String\n  count      Int\n\n  @@unique([minute, lane, realm, capability, subject])\n  @@index([minute])\n}\n\n// Transactional outbox: one row per domain event, written in the same transaction as the\n// change it describes, so an event is never lost and never sent for a rolled-back change.\nmodel OutboxEvent {\n  seq       Int      @id @default(autoincrement())\n  id        String   @unique\n  type      String\n  realm     String?\n  requestId String\n  // JSON object; never secret or token values.\n  data      String\n  createdAt DateTime @default(now())\n  // Set once the dispatcher has created a delivery for every matching endpoint.\n  fannedOut Boolean  @default(false)\n\n  @@index([fannedOut, seq])\n}\n\nmodel WebhookEndpoint {\n  id            String   @id\n  url           String\n  description   String   @default("")\n  // JSON array of event names and "category.*" patterns.\n  events        String\n  // The whsec_ signing key\'s bytes, wrapped by the key-encryption key.\n  secretWrapped String\n  kekId         String\n  enabled       Boolean  @default(true)\n  createdBy     String\n  createdAt     DateTime @default(now())\n  updatedAt     DateTime @updatedAt\n\n  deliveries WebhookDelivery[]\n}\n\n// One event owed to one endpoint. `id` is the webhook-id header on every attempt.\nmodel WebhookDelivery {\n  id            String    @id\n  endpointId    String\n  eventId       String\n  event         String\n  // The exact body sent on every attempt.\n  payload       String\n  // pending | delivered | dead\n  state         String\n  attempts      Int       @default(0)\n  // When the next attempt is due (pending only).\n  nextAttemptAt DateTime?\n  // Set while a process runs an attempt; another may take it over only after this.\n  claimedUntil  DateTime?\n  lastError     String?\n  createdAt     DateTime  @default(now())\n  updatedAt     DateTime  @updatedAt\n  deliveredAt   DateTime?\n\n  endpoint    WebhookEndpoint  @relation(fields: [endpointId], references: [id], onDelete: Cascade)\n  attemptRows WebhookAttempt[]\n\n  @@unique([eventId, endpointId])\n  @@index([state, nextAttemptAt])\n  @@index([endpointId, createdAt])\n}\n\nmodel WebhookAttempt {\n  id          String    @id\n  deliveryId  String\n  attempt     Int\n  startedAt   DateTime\n  // null when no HTTP answer came (refused, timeout, SSRF guard).\n  statusCode  Int?\n  latencyMs   Int\n  error       String?\n  // Set when this attempt failed and another is scheduled.\n  nextRetryAt DateTime?\n\n  delivery WebhookDelivery @relation(fields: [deliveryId], references: [id], onDelete: Cascade)\n\n  @@index([deliveryId])\n  @@index([startedAt])\n}\n\n// Position of a sink that reads the audit log in order (the syslog sink).\nmodel SinkCursor {\n  name      String   @id\n  position  Int\n  updatedAt DateTime @updatedAt\n}\n',
      "runtimeDataModel": {
        "models": {},
        "enums": {},
        "types": {}
      },
      "parameterizationSchema": {
        "strings": [],
        "graph": ""
      }
    };
    config2.runtimeDataModel = JSON.parse('{"models":{"Realm":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"name","kind":"scalar","type":"String"},{"name":"description","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"keys","kind":"object","type":"RealmKey","relationName":"RealmToRealmKey"},{"name":"secrets","kind":"object","type":"Secret","relationName":"RealmToSecret"},{"name":"bindings","kind":"object","type":"Binding","relationName":"BindingToRealm"}],"dbName":null,"schema":null},"RealmKey":{"fields":[{"name":"realmId","kind":"scalar","type":"String"},{"name":"version","kind":"scalar","type":"Int"},{"name":"wrappedKey","kind":"scalar","type":"String"},{"name":"kekId","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"realm","kind":"object","type":"Realm","relationName":"RealmToRealmKey"}],"dbName":null,"schema":null},"Token":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"name","kind":"scalar","type":"String"},{"name":"description","kind":"scalar","type":"String"},{"name":"prefix","kind":"scalar","type":"String"},{"name":"hash","kind":"scalar","type":"String"},{"name":"isAdmin","kind":"scalar","type":"Boolean"},{"name":"capabilities","kind":"scalar","type":"String"},{"name":"realms","kind":"scalar","type":"String"},{"name":"rateLimit","kind":"scalar","type":"Int"},{"name":"createdBy","kind":"scalar","type":"String"},{"name":"expiresAt","kind":"scalar","type":"DateTime"},{"name":"revokedAt","kind":"scalar","type":"DateTime"},{"name":"lastUsedAt","kind":"scalar","type":"DateTime"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"}],"dbName":null,"schema":null},"User":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"name","kind":"scalar","type":"String"},{"name":"passwordHash","kind":"scalar","type":"String"},{"name":"disabled","kind":"scalar","type":"Boolean"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"}],"dbName":null,"schema":null},"Role":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"name","kind":"scalar","type":"String"},{"name":"description","kind":"scalar","type":"String"},{"name":"capabilities","kind":"scalar","type":"String"},{"name":"builtin","kind":"scalar","type":"Boolean"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"bindings","kind":"object","type":"Binding","relationName":"BindingToRole"}],"dbName":null,"schema":null},"Binding":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"subject","kind":"scalar","type":"String"},{"name":"roleId","kind":"scalar","type":"String"},{"name":"realmId","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"role","kind":"object","type":"Role","relationName":"BindingToRole"},{"name":"realm","kind":"object","type":"Realm","relationName":"BindingToRealm"}],"dbName":null,"schema":null},"Secret":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"realmId","kind":"scalar","type":"String"},{"name":"key","kind":"scalar","type":"String"},{"name":"currentVersion","kind":"scalar","type":"Int"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"realm","kind":"object","type":"Realm","relationName":"RealmToSecret"},{"name":"versions","kind":"object","type":"SecretVersion","relationName":"SecretToSecretVersion"}],"dbName":null,"schema":null},"SecretVersion":{"fields":[{"name":"secretId","kind":"scalar","type":"String"},{"name":"version","kind":"scalar","type":"Int"},{"name":"ciphertext","kind":"scalar","type":"String"},{"name":"keyVersion","kind":"scalar","type":"Int"},{"name":"createdBy","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"secret","kind":"object","type":"Secret","relationName":"SecretToSecretVersion"}],"dbName":null,"schema":null},"AuditRecord":{"fields":[{"name":"seq","kind":"scalar","type":"Int"},{"name":"id","kind":"scalar","type":"String"},{"name":"time","kind":"scalar","type":"DateTime"},{"name":"requestId","kind":"scalar","type":"String"},{"name":"actor","kind":"scalar","type":"String"},{"name":"action","kind":"scalar","type":"String"},{"name":"realm","kind":"scalar","type":"String"},{"name":"resource","kind":"scalar","type":"String"},{"name":"outcome","kind":"scalar","type":"String"},{"name":"status","kind":"scalar","type":"Int"},{"name":"capability","kind":"scalar","type":"String"},{"name":"reason","kind":"scalar","type":"String"},{"name":"ip","kind":"scalar","type":"String"},{"name":"details","kind":"scalar","type":"String"},{"name":"prevHash","kind":"scalar","type":"String"},{"name":"hash","kind":"scalar","type":"String"}],"dbName":null,"schema":null},"DecisionMinute":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"minute","kind":"scalar","type":"DateTime"},{"name":"lane","kind":"scalar","type":"String"},{"name":"realm","kind":"scalar","type":"String"},{"name":"capability","kind":"scalar","type":"String"},{"name":"subject","kind":"scalar","type":"String"},{"name":"count","kind":"scalar","type":"Int"}],"dbName":null,"schema":null},"OutboxEvent":{"fields":[{"name":"seq","kind":"scalar","type":"Int"},{"name":"id","kind":"scalar","type":"String"},{"name":"type","kind":"scalar","type":"String"},{"name":"realm","kind":"scalar","type":"String"},{"name":"requestId","kind":"scalar","type":"String"},{"name":"data","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"fannedOut","kind":"scalar","type":"Boolean"}],"dbName":null,"schema":null},"WebhookEndpoint":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"url","kind":"scalar","type":"String"},{"name":"description","kind":"scalar","type":"String"},{"name":"events","kind":"scalar","type":"String"},{"name":"secretWrapped","kind":"scalar","type":"String"},{"name":"kekId","kind":"scalar","type":"String"},{"name":"enabled","kind":"scalar","type":"Boolean"},{"name":"createdBy","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"deliveries","kind":"object","type":"WebhookDelivery","relationName":"WebhookDeliveryToWebhookEndpoint"}],"dbName":null,"schema":null},"WebhookDelivery":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"endpointId","kind":"scalar","type":"String"},{"name":"eventId","kind":"scalar","type":"String"},{"name":"event","kind":"scalar","type":"String"},{"name":"payload","kind":"scalar","type":"String"},{"name":"state","kind":"scalar","type":"String"},{"name":"attempts","kind":"scalar","type":"Int"},{"name":"nextAttemptAt","kind":"scalar","type":"DateTime"},{"name":"claimedUntil","kind":"scalar","type":"DateTime"},{"name":"lastError","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"deliveredAt","kind":"scalar","type":"DateTime"},{"name":"endpoint","kind":"object","type":"WebhookEndpoint","relationName":"WebhookDeliveryToWebhookEndpoint"},{"name":"attemptRows","kind":"object","type":"WebhookAttempt","relationName":"WebhookAttemptToWebhookDelivery"}],"dbName":null,"schema":null},"WebhookAttempt":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"deliveryId","kind":"scalar","type":"String"},{"name":"attempt","kind":"scalar","type":"Int"},{"name":"startedAt","kind":"scalar","type":"DateTime"},{"name":"statusCode","kind":"scalar","type":"Int"},{"name":"latencyMs","kind":"scalar","type":"Int"},{"name":"error","kind":"scalar","type":"String"},{"name":"nextRetryAt","kind":"scalar","type":"DateTime"},{"name":"delivery","kind":"object","type":"WebhookDelivery","relationName":"WebhookAttemptToWebhookDelivery"}],"dbName":null,"schema":null},"SinkCursor":{"fields":[{"name":"name","kind":"scalar","type":"String"},{"name":"position","kind":"scalar","type":"Int"},{"name":"updatedAt","kind":"scalar","type":"DateTime"}],"dbName":null,"schema":null}},"enums":{},"types":{}}');
    config2.parameterizationSchema = {
      strings: JSON.parse('["where","orderBy","cursor","realm","keys","secret","versions","_count","secrets","bindings","role","Realm.findUnique","Realm.findUniqueOrThrow","Realm.findFirst","Realm.findFirstOrThrow","Realm.findMany","data","Realm.createOne","Realm.createMany","Realm.createManyAndReturn","Realm.updateOne","Realm.updateMany","Realm.updateManyAndReturn","create","update","Realm.upsertOne","Realm.deleteOne","Realm.deleteMany","having","_min","_max","Realm.groupBy","Realm.aggregate","RealmKey.findUnique","RealmKey.findUniqueOrThrow","RealmKey.findFirst","RealmKey.findFirstOrThrow","RealmKey.findMany","RealmKey.createOne","RealmKey.createMany","RealmKey.createManyAndReturn","RealmKey.updateOne","RealmKey.updateMany","RealmKey.updateManyAndReturn","RealmKey.upsertOne","RealmKey.deleteOne","RealmKey.deleteMany","_avg","_sum","RealmKey.groupBy","RealmKey.aggregate","Token.findUnique","Token.findUniqueOrThrow","Token.findFirst","Token.findFirstOrThrow","Token.findMany","Token.createOne","Token.createMany","Token.createManyAndReturn","Token.updateOne","Token.updateMany","Token.updateManyAndReturn","Token.upsertOne","Token.deleteOne","Token.deleteMany","Token.groupBy","Token.aggregate","User.findUnique","User.findUniqueOrThrow","User.findFirst","User.findFirstOrThrow","User.findMany","User.createOne","User.createMany","User.createManyAndReturn","User.updateOne","User.updateMany","User.updateManyAndReturn","User.upsertOne","User.deleteOne","User.deleteMany","User.groupBy","User.aggregate","Role.findUnique","Role.findUniqueOrThrow","Role.findFirst","Role.findFirstOrThrow","Role.findMany","Role.createOne","Role.createMany","Role.createManyAndReturn","Role.updateOne","Role.updateMany","Role.updateManyAndReturn","Role.upsertOne","Role.deleteOne","Role.deleteMany","Role.groupBy","Role.aggregate","Binding.findUnique","Binding.findUniqueOrThrow","Binding.findFirst","Binding.findFirstOrThrow","Binding.findMany","Binding.createOne","Binding.createMany","Binding.createManyAndReturn","Binding.updateOne","Binding.updateMany","Binding.updateManyAndReturn","Binding.upsertOne","Binding.deleteOne","Binding.deleteMany","Binding.groupBy","Binding.aggregate","Secret.findUnique","Secret.findUniqueOrThrow","Secret.findFirst","Secret.findFirstOrThrow","Secret.findMany","Secret.createOne","Secret.createMany","Secret.createManyAndReturn","Secret.updateOne","Secret.updateMany","Secret.updateManyAndReturn","Secret.upsertOne","Secret.deleteOne","Secret.deleteMany","Secret.groupBy","Secret.aggregate","SecretVersion.findUnique","SecretVersion.findUniqueOrThrow","SecretVersion.findFirst","SecretVersion.findFirstOrThrow","SecretVersion.findMany","SecretVersion.createOne","SecretVersion.createMany","SecretVersion.createManyAndReturn","SecretVersion.updateOne","SecretVersion.updateMany","SecretVersion.updateManyAndReturn","SecretVersion.upsertOne","SecretVersion.deleteOne","SecretVersion.deleteMany","SecretVersion.groupBy","SecretVersion.aggregate","AuditRecord.findUnique","AuditRecord.findUniqueOrThrow","AuditRecord.findFirst","AuditRecord.findFirstOrThrow","AuditRecord.findMany","AuditRecord.createOne","AuditRecord.createMany","AuditRecord.createManyAndReturn","AuditRecord.updateOne","AuditRecord.updateMany","AuditRecord.updateManyAndReturn","AuditRecord.upsertOne","AuditRecord.deleteOne","AuditRecord.deleteMany","AuditRecord.groupBy","AuditRecord.aggregate","DecisionMinute.findUnique","DecisionMinute.findUniqueOrThrow","DecisionMinute.findFirst","DecisionMinute.findFirstOrThrow","DecisionMinute.findMany","DecisionMinute.createOne","DecisionMinute.createMany","DecisionMinute.createManyAndReturn","DecisionMinute.updateOne","DecisionMinute.updateMany","DecisionMinute.updateManyAndReturn","DecisionMinute.upsertOne","DecisionMinute.deleteOne","DecisionMinute.deleteMany","DecisionMinute.groupBy","DecisionMinute.aggregate","OutboxEvent.findUnique","OutboxEvent.findUniqueOrThrow","OutboxEvent.findFirst","OutboxEvent.findFirstOrThrow","OutboxEvent.findMany","OutboxEvent.createOne","OutboxEvent.createMany","OutboxEvent.createManyAndReturn","OutboxEvent.updateOne","OutboxEvent.updateMany","OutboxEvent.updateManyAndReturn","OutboxEvent.upsertOne","OutboxEvent.deleteOne","OutboxEvent.deleteMany","OutboxEvent.groupBy","OutboxEvent.aggregate","endpoint","delivery","attemptRows","deliveries","WebhookEndpoint.findUnique","WebhookEndpoint.findUniqueOrThrow","WebhookEndpoint.findFirst","WebhookEndpoint.findFirstOrThrow","WebhookEndpoint.findMany","WebhookEndpoint.createOne","WebhookEndpoint.createMany","WebhookEndpoint.createManyAndReturn","WebhookEndpoint.updateOne","WebhookEndpoint.updateMany","WebhookEndpoint.updateManyAndReturn","WebhookEndpoint.upsertOne","WebhookEndpoint.deleteOne","WebhookEndpoint.deleteMany","WebhookEndpoint.groupBy","WebhookEndpoint.aggregate","WebhookDelivery.findUnique","WebhookDelivery.findUniqueOrThrow","WebhookDelivery.findFirst","WebhookDelivery.findFirstOrThrow","WebhookDelivery.findMany","WebhookDelivery.createOne","WebhookDelivery.createMany","WebhookDelivery.createManyAndReturn","WebhookDelivery.updateOne","WebhookDelivery.updateMany","WebhookDelivery.updateManyAndReturn","WebhookDelivery.upsertOne","WebhookDelivery.deleteOne","WebhookDelivery.deleteMany","WebhookDelivery.groupBy","WebhookDelivery.aggregate","WebhookAttempt.findUnique","WebhookAttempt.findUniqueOrThrow","WebhookAttempt.findFirst","WebhookAttempt.findFirstOrThrow","WebhookAttempt.findMany","WebhookAttempt.createOne","WebhookAttempt.createMany","WebhookAttempt.createManyAndReturn","WebhookAttempt.updateOne","WebhookAttempt.updateMany","WebhookAttempt.updateManyAndReturn","WebhookAttempt.upsertOne","WebhookAttempt.deleteOne","WebhookAttempt.deleteMany","WebhookAttempt.groupBy","WebhookAttempt.aggregate","SinkCursor.findUnique","SinkCursor.findUniqueOrThrow","SinkCursor.findFirst","SinkCursor.findFirstOrThrow","SinkCursor.findMany","SinkCursor.createOne","SinkCursor.createMany","SinkCursor.createManyAndReturn","SinkCursor.updateOne","SinkCursor.updateMany","SinkCursor.updateManyAndReturn","SinkCursor.upsertOne","SinkCursor.deleteOne","SinkCursor.deleteMany","SinkCursor.groupBy","SinkCursor.aggregate","AND","OR","NOT","name","position","updatedAt","equals","in","notIn","lt","lte","gt","gte","not","contains","startsWith","endsWith","id","deliveryId","attempt","startedAt","statusCode","latencyMs","error","nextRetryAt","endpointId","eventId","event","payload","state","attempts","nextAttemptAt","claimedUntil","lastError","createdAt","deliveredAt","url","description","events","secretWrapped","kekId","enabled","createdBy","every","some","none","eventId_endpointId","seq","type","requestId","fannedOut","minute","lane","capability","subject","count","minute_lane_realm_capability_subject","time","actor","action","resource","outcome","status","reason","ip","details","prevHash","hash","secretId","version","ciphertext","keyVersion","realmId","key","currentVersion","roleId","capabilities","builtin","passwordHash","disabled","prefix","isAdmin","realms","rateLimit","expiresAt","revokedAt","lastUsedAt","wrappedKey","subject_roleId_realmId","secretId_version","realmId_key","realmId_version","is","isNot","connectOrCreate","upsert","createMany","set","disconnect","delete","connect","updateMany","deleteMany","increment","decrement","multiply","divide"]'),
      graph: "wQWSAfABCwQAAMgDACAIAADJAwAgCQAAwAMAIIcCAADHAwAwiAIAABYAEIkCAADHAwAwigIBAAAAAYwCQACXAwAhmAIBAAAAAakCQACXAwAhrAIBAJUDACEBAAAAAQAgCQMAANMDACCHAgAA1gMAMIgCAAADABCJAgAA1gMAMKkCQACXAwAhrwIBAJUDACHMAgIAlgMAIc8CAQCVAwAh3gIBAJUDACEBAwAAlQUAIAoDAADTAwAghwIAANYDADCIAgAAAwAQiQIAANYDADCpAkAAlwMAIa8CAQCVAwAhzAICAJYDACHPAgEAlQMAId4CAQCVAwAh4gIAANUDACADAAAAAwAgAQAABAAwAgAABQAgCwMAANMDACAGAADUAwAghwIAANIDADCIAgAABwAQiQIAANIDADCMAkAAlwMAIZgCAQCVAwAhqQJAAJcDACHPAgEAlQMAIdACAQCVAwAh0QICAJYDACECAwAAlQUAIAYAAJcFACAMAwAA0wMAIAYAANQDACCHAgAA0gMAMIgCAAAHABCJAgAA0gMAMIwCQACXAwAhmAIBAAAAAakCQACXAwAhzwIBAJUDACHQAgEAlQMAIdECAgCWAwAh4QIAANEDACADAAAABwAgAQAACAAwAgAACQAgCgUAANADACCHAgAAzwMAMIgCAAALABCJAgAAzwMAMKkCQACXAwAhsQIBAJUDACHLAgEAlQMAIcwCAgCWAwAhzQIBAJUDACHOAgIAlgMAIQEFAACWBQAgCwUAANADACCHAgAAzwMAMIgCAAALABCJAgAAzwMAMKkCQACXAwAhsQIBAJUDACHLAgEAlQMAIcwCAgCWAwAhzQIBAJUDACHOAgIAlgMAIeACAADOAwAgAwAAAAsAIAEAAAwAMAIAAA0AIAEAAAALACAKAwAAzQMAIAoAAMwDACCHAgAAywMAMIgCAAAQABCJAgAAywMAMJgCAQCVAwAhqQJAAJcDACG9AgEAlQMAIc8CAQCtAwAh0gIBAJUDACEDAwAAlQUAIAoAAJQFACDPAgAA3wMAIAsDAADNAwAgCgAAzAMAIIcCAADLAwAwiAIAABAAEIkCAADLAwAwmAIBAAAAAakCQACXAwAhvQIBAJUDACHPAgEArQMAIdICAQCVAwAh3wIAAMoDACADAAAAEAAgAQAAEQAwAgAAEgAgAwAAABAAIAEAABEAMAIAABIAIAEAAAAQACALBAAAyAMAIAgAAMkDACAJAADAAwAghwIAAMcDADCIAgAAFgAQiQIAAMcDADCKAgEAlQMAIYwCQACXAwAhmAIBAJUDACGpAkAAlwMAIawCAQCVAwAhAQAAABYAIAEAAAADACABAAAABwAgAQAAABAAIAEAAAABACADBAAAkgUAIAgAAJMFACAJAADYBAAgAwAAABYAIAEAABwAMAIAAAEAIAMAAAAWACABAAAcADACAAABACADAAAAFgAgAQAAHAAwAgAAAQAgCAQAAI8FACAIAACQBQAgCQAAkQUAIIoCAQAAAAGMAkAAAAABmAIBAAAAAakCQAAAAAGsAgEAAAABARAAACAAIAWKAgEAAAABjAJAAAAAAZgCAQAAAAGpAkAAAAABrAIBAAAAAQEQAAAiADABEAAAIgAwCAQAAOsEACAIAADsBAAgCQAA7QQAIIoCAQDcAwAhjAJAAN4DACGYAgEA3AMAIakCQADeAwAhrAIBANwDACECAAAAAQAgEAAAJQAgBYoCAQDcAwAhjAJAAN4DACGYAgEA3AMAIakCQADeAwAhrAIBANwDACECAAAAFgAgEAAAJwAgAgAAABYAIBAAACcAIAMAAAABACAXAAAgACAYAAAlACABAAAAAQAgAQAAABYAIAMHAADoBAAgHQAA6gQAIB4AAOkEACAIhwIAAMYDADCIAgAALgAQiQIAAMYDADCKAgEAigMAIYwCQACMAwAhmAIBAIoDACGpAkAAjAMAIawCAQCKAwAhAwAAABYAIAEAAC0AMBwAAC4AIAMAAAAWACABAAAcADACAAABACABAAAABQAgAQAAAAUAIAMAAAADACABAAAEADACAAAFACADAAAAAwAgAQAABAAwAgAABQAgAwAAAAMAIAEAAAQAMAIAAAUAIAYDAADnBAAgqQJAAAAAAa8CAQAAAAHMAgIAAAABzwIBAAAAAd4CAQAAAAEBEAAANgAgBakCQAAAAAGvAgEAAAABzAICAAAAAc8CAQAAAAHeAgEAAAABARAAADgAMAEQAAA4ADAGAwAA5gQAIKkCQADeAwAhrwIBANwDACHMAgIA3QMAIc8CAQDcAwAh3gIBANwDACECAAAABQAgEAAAOwAgBakCQADeAwAhrwIBANwDACHMAgIA3QMAIc8CAQDcAwAh3gIBANwDACECAAAAAwAgEAAAPQAgAgAAAAMAIBAAAD0AIAMAAAAFACAXAAA2ACAYAAA7ACABAAAABQAgAQAAAAMAIAUHAADhBAAgHQAA5AQAIB4AAOMEACAvAADiBAAgMAAA5QQAIAiHAgAAxQMAMIgCAABEABCJAgAAxQMAMKkCQACMAwAhrwIBAIoDACHMAgIAiwMAIc8CAQCKAwAh3gIBAIoDACEDAAAAAwAgAQAAQwAwHAAARAAgAwAAAAMAIAEAAAQAMAIAAAUAIBKHAgAAxAMAMIgCAABKABCJAgAAxAMAMIoCAQCVAwAhjAJAAJcDACGYAgEAAAABqQJAAJcDACGsAgEAlQMAIbECAQCVAwAhygIBAAAAAdMCAQCVAwAh1wIBAJUDACHYAiAAqQMAIdkCAQCVAwAh2gICAKwDACHbAkAArgMAIdwCQACuAwAh3QJAAK4DACEBAAAARwAgAQAAAEcAIBKHAgAAxAMAMIgCAABKABCJAgAAxAMAMIoCAQCVAwAhjAJAAJcDACGYAgEAlQMAIakCQACXAwAhrAIBAJUDACGxAgEAlQMAIcoCAQCVAwAh0wIBAJUDACHXAgEAlQMAIdgCIACpAwAh2QIBAJUDACHaAgIArAMAIdsCQACuAwAh3AJAAK4DACHdAkAArgMAIQTaAgAA3wMAINsCAADfAwAg3AIAAN8DACDdAgAA3wMAIAMAAABKACABAABLADACAABHACADAAAASgAgAQAASwAwAgAARwAgAwAAAEoAIAEAAEsAMAIAAEcAIA-KAgEAAAABjAJAAAAAAZgCAQAAAAGpAkAAAAABrAIBAAAAAbECAQAAAAHKAgEAAAAB0wIBAAAAAdcCAQAAAAHYAiAAAAAB2QIBAAAAAdoCAgAAAAHbAkAAAAAB3AJAAAAAAd0CQAAAAAEBEAAATwAgD4oCAQAAAAGMAkAAAAABmAIBAAAAAakCQAAAAAGsAgEAAAABsQIBAAAAAcoCAQAAAAHTAgEAAAAB1wIBAAAAAdgCIAAAAAHZAgEAAAAB2gICAAAAAdsCQAAAAAHcAkAAAAAB3QJAAAAAAQEQAABRADABEAAAUQAwD4oCAQDcAwAhjAJAAN4DACGYAgEA3AMAIakCQADeAwAhrAIBANwDACGxAgEA3AMAIcoCAQDcAwAh0wIBANwDACHXAgEA3AMAIdgCIACCBAAh2QIBANwDACHaAgIA5QMAIdsCQADnAwAh3AJAAOcDACHdAkAA5wMAIQIAAABHACAQAABUACAPigIBANwDACGMAkAA3gMAIZgCAQDcAwAhqQJAAN4DACGsAgEA3AMAIbECAQDcAwAhygIBANwDACHTAgEA3AMAIdcCAQDcAwAh2AIgAIIEACHZAgEA3AMAIdoCAgDlAwAh2wJAAOcDACHcAkAA5wMAId0CQADnAwAhAgAAAEoAIBAAAFYAIAIAAABKACAQAABWACADAAAARwAgFwAATwAgGAAAVAAgAQAAAEcAIAEAAABKACAJBwAA3AQAIB0AAN8EACAeAADeBAAgLwAA3QQAIDAAAOAEACDaAgAA3wMAINsCAADfAwAg3AIAAN8DACDdAgAA3wMAIBKHAgAAwwMAMIgCAABdABCJAgAAwwMAMIoCAQCKAwAhjAJAAIwDACGYAgEAigMAIakCQACMAwAhrAIBAIoDACGxAgEAigMAIcoCAQCKAwAh0wIBAIoDACHXAgEAigMAIdgCIAClAwAh2QIBAIoDACHaAgIAmQMAIdsCQACbAwAh3AJAAJsDACHdAkAAmwMAIQMAAABKACABAABcADAcAABdACADAAAASgAgAQAASwAwAgAARwAgCYcCAADCAwAwiAIAAGMAEIkCAADCAwAwigIBAAAAAYwCQACXAwAhmAIBAAAAAakCQACXAwAh1QIBAJUDACHWAiAAqQMAIQEAAABgACABAAAAYAAgCYcCAADCAwAwiAIAAGMAEIkCAADCAwAwigIBAJUDACGMAkAAlwMAIZgCAQCVAwAhqQJAAJcDACHVAgEAlQMAIdYCIACpAwAhAAMAAABjACABAABkADACAABgACADAAAAYwAgAQAAZAAwAgAAYAAgAwAAAGMAIAEAAGQAMAIAAGAAIAaKAgEAAAABjAJAAAAAAZgCAQAAAAGpAkAAAAAB1QIBAAAAAdYCIAAAAAEBEAAAaAAgBooCAQAAAAGMAkAAAAABmAIBAAAAAakCQAAAAAHVAgEAAAAB1gIgAAAAAQEQAABqADABEAAAagAwBooCAQDcAwAhjAJAAN4DACGYAgEA3AMAIakCQADeAwAh1QIBANwDACHWAiAAggQAIQIAAABgACAQAABtACAGigIBANwDACGMAkAA3gMAIZgCAQDcAwAhqQJAAN4DACHVAgEA3AMAIdYCIACCBAAhAgAAAGMAIBAAAG8AIAIAAABjACAQAABvACADAAAAYAAgFwAAaAAgGAAAbQAgAQAAAGAAIAEAAABjACADBwAA2QQAIB0AANsEACAeAADaBAAgCYcCAADBAwAwiAIAAHYAEIkCAADBAwAwigIBAIoDACGMAkAAjAMAIZgCAQCKAwAhqQJAAIwDACHVAgEAigMAIdYCIAClAwAhAwAAAGMAIAEAAHUAMBwAAHYAIAMAAABjACABAABkADACAABgACALCQAAwAMAIIcCAAC_AwAwiAIAAHwAEIkCAAC_AwAwigIBAAAAAYwCQACXAwAhmAIBAAAAAakCQACXAwAhrAIBAJUDACHTAgEAlQMAIdQCIACpAwAhAQAAAHkAIAEAAAB5ACALCQAAwAMAIIcCAAC_AwAwiAIAAHwAEIkCAAC_AwAwigIBAJUDACGMAkAAlwMAIZgCAQCVAwAhqQJAAJcDACGsAgEAlQMAIdMCAQCVAwAh1AIgAKkDACEBCQAA2AQAIAMAAAB8ACABAAB9ADACAAB5ACADAAAAfAAgAQAAfQAwAgAAeQAgAwAAAHwAIAEAAH0AMAIAAHkAIAgJAADXBAAgigIBAAAAAYwCQAAAAAGYAgEAAAABqQJAAAAAAawCAQAAAAHTAgEAAAAB1AIgAAAAAQEQAACBAQAgB4oCAQAAAAGMAkAAAAABmAIBAAAAAakCQAAAAAGsAgEAAAAB0wIBAAAAAdQCIAAAAAEBEAAAgwEAMAEQAACDAQAwCAkAAMoEACCKAgEA3AMAIYwCQADeAwAhmAIBANwDACGpAkAA3gMAIawCAQDcAwAh0wIBANwDACHUAiAAggQAIQIAAAB5ACAQAACGAQAgB4oCAQDcAwAhjAJAAN4DACGYAgEA3AMAIakCQADeAwAhrAIBANwDACHTAgEA3AMAIdQCIACCBAAhAgAAAHwAIBAAAIgBACACAAAAfAAgEAAAiAEAIAMAAAB5ACAXAACBAQAgGAAAhgEAIAEAAAB5ACABAAAAfAAgAwcAAMcEACAdAADJBAAgHgAAyAQAIAqHAgAAvgMAMIgCAACPAQAQiQIAAL4DADCKAgEAigMAIYwCQACMAwAhmAIBAIoDACGpAkAAjAMAIawCAQCKAwAh0wIBAIoDACHUAiAApQMAIQMAAAB8ACABAACOAQAwHAAAjwEAIAMAAAB8ACABAAB9ADACAAB5ACABAAAAEgAgAQAAABIAIAMAAAAQACABAAARADACAAASACADAAAAEAAgAQAAEQAwAgAAEgAgAwAAABAAIAEAABEAMAIAABIAIAcDAADGBAAgCgAAxQQAIJgCAQAAAAGpAkAAAAABvQIBAAAAAc8CAQAAAAHSAgEAAAABARAAAJcBACAFmAIBAAAAAakCQAAAAAG9AgEAAAABzwIBAAAAAdICAQAAAAEBEAAAmQEAMAEQAACZAQAwAQAAABYAIAcDAADEBAAgCgAAwwQAIJgCAQDcAwAhqQJAAN4DACG9AgEA3AMAIc8CAQDmAwAh0gIBANwDACECAAAAEgAgEAAAnQEAIAWYAgEA3AMAIakCQADeAwAhvQIBANwDACHPAgEA5gMAIdICAQDcAwAhAgAAABAAIBAAAJ8BACACAAAAEAAgEAAAnwEAIAEAAAAWACADAAAAEgAgFwAAlwEAIBgAAJ0BACABAAAAEgAgAQAAABAAIAQHAADABAAgHQAAwgQAIB4AAMEEACDPAgAA3wMAIAiHAgAAvQMAMIgCAACnAQAQiQIAAL0DADCYAgEAigMAIakCQACMAwAhvQIBAIoDACHPAgEAmgMAIdICAQCKAwAhAwAAABAAIAEAAKYBADAcAACnAQAgAwAAABAAIAEAABEAMAIAABIAIAEAAAAJACABAAAACQAgAwAAAAcAIAEAAAgAMAIAAAkAIAMAAAAHACABAAAIADACAAAJACADAAAABwAgAQAACAAwAgAACQAgCAMAAL4EACAGAAC_BAAgjAJAAAAAAZgCAQAAAAGpAkAAAAABzwIBAAAAAdACAQAAAAHRAgIAAAABARAAAK8BACAGjAJAAAAAAZgCAQAAAAGpAkAAAAABzwIBAAAAAdACAQAAAAHRAgIAAAABARAAALEBADABEAAAsQEAMAgDAACwBAAgBgAAsQQAIIwCQADeAwAhmAIBANwDACGpAkAA3gMAIc8CAQDcAwAh0AIBANwDACHRAgIA3QMAIQIAAAAJACAQAAC0AQAgBowCQADeAwAhmAIBANwDACGpAkAA3gMAIc8CAQDcAwAh0AIBANwDACHRAgIA3QMAIQIAAAAHACAQAAC2AQAgAgAAAAcAIBAAALYBACADAAAACQAgFwAArwEAIBgAALQBACABAAAACQAgAQAAAAcAIAUHAACrBAAgHQAArgQAIB4AAK0EACAvAACsBAAgMAAArwQAIAmHAgAAvAMAMIgCAAC9AQAQiQIAALwDADCMAkAAjAMAIZgCAQCKAwAhqQJAAIwDACHPAgEAigMAIdACAQCKAwAh0QICAIsDACEDAAAABwAgAQAAvAEAMBwAAL0BACADAAAABwAgAQAACAAwAgAACQAgAQAAAA0AIAEAAAANACADAAAACwAgAQAADAAwAgAADQAgAwAAAAsAIAEAAAwAMAIAAA0AIAMAAAALACABAAAMADACAAANACAHBQAAqgQAIKkCQAAAAAGxAgEAAAABywIBAAAAAcwCAgAAAAHNAgEAAAABzgICAAAAAQEQAADFAQAgBqkCQAAAAAGxAgEAAAABywIBAAAAAcwCAgAAAAHNAgEAAAABzgICAAAAAQEQAADHAQAwARAAAMcBADAHBQAAqQQAIKkCQADeAwAhsQIBANwDACHLAgEA3AMAIcwCAgDdAwAhzQIBANwDACHOAgIA3QMAIQIAAAANACAQAADKAQAgBqkCQADeAwAhsQIBANwDACHLAgEA3AMAIcwCAgDdAwAhzQIBANwDACHOAgIA3QMAIQIAAAALACAQAADMAQAgAgAAAAsAIBAAAMwBACADAAAADQAgFwAAxQEAIBgAAMoBACABAAAADQAgAQAAAAsAIAUHAACkBAAgHQAApwQAIB4AAKYEACAvAAClBAAgMAAAqAQAIAmHAgAAuwMAMIgCAADTAQAQiQIAALsDADCpAkAAjAMAIbECAQCKAwAhywIBAIoDACHMAgIAiwMAIc0CAQCKAwAhzgICAIsDACEDAAAACwAgAQAA0gEAMBwAANMBACADAAAACwAgAQAADAAwAgAADQAgEwMBAK0DACGHAgAAugMAMIgCAADZAQAQiQIAALoDADCYAgEAAAABtgICAAAAAbgCAQCVAwAhvAIBAK0DACHAAkAAlwMAIcECAQCVAwAhwgIBAJUDACHDAgEArQMAIcQCAQCVAwAhxQICAJYDACHGAgEArQMAIccCAQCtAwAhyAIBAJUDACHJAgEAlQMAIcoCAQCVAwAhAQAAANYBACABAAAA1gEAIBMDAQCtAwAhhwIAALoDADCIAgAA2QEAEIkCAAC6AwAwmAIBAJUDACG2AgIAlgMAIbgCAQCVAwAhvAIBAK0DACHAAkAAlwMAIcECAQCVAwAhwgIBAJUDACHDAgEArQMAIcQCAQCVAwAhxQICAJYDACHGAgEArQMAIccCAQCtAwAhyAIBAJUDACHJAgEAlQMAIcoCAQCVAwAhBQMAAN8DACC8AgAA3wMAIMMCAADfAwAgxgIAAN8DACDHAgAA3wMAIAMAAADZAQAgAQAA2gEAMAIAANYBACADAAAA2QEAIAEAANoBADACAADWAQAgAwAAANkBACABAADaAQAwAgAA1gEAIBADAQAAAAGYAgEAAAABtgICAAAAAbgCAQAAAAG8AgEAAAABwAJAAAAAAcECAQAAAAHCAgEAAAABwwIBAAAAAcQCAQAAAAHFAgIAAAABxgIBAAAAAccCAQAAAAHIAgEAAAAByQIBAAAAAcoCAQAAAAEBEAAA3gEAIBADAQAAAAGYAgEAAAABtgICAAAAAbgCAQAAAAG8AgEAAAABwAJAAAAAAcECAQAAAAHCAgEAAAABwwIBAAAAAcQCAQAAAAHFAgIAAAABxgIBAAAAAccCAQAAAAHIAgEAAAAByQIBAAAAAcoCAQAAAAEBEAAA4AEAMAEQAADgAQAwEAMBAOYDACGYAgEA3AMAIbYCAgDdAwAhuAIBANwDACG8AgEA5gMAIcACQADeAwAhwQIBANwDACHCAgEA3AMAIcMCAQDmAwAhxAIBANwDACHFAgIA3QMAIcYCAQDmAwAhxwIBAOYDACHIAgEA3AMAIckCAQDcAwAhygIBANwDACECAAAA1gEAIBAAAOMBACAQAwEA5gMAIZgCAQDcAwAhtgICAN0DACG4AgEA3AMAIbwCAQDmAwAhwAJAAN4DACHBAgEA3AMAIcICAQDcAwAhwwIBAOYDACHEAgEA3AMAIcUCAgDdAwAhxgIBAOYDACHHAgEA5gMAIcgCAQDcAwAhyQIBANwDACHKAgEA3AMAIQIAAADZAQAgEAAA5QEAIAIAAADZAQAgEAAA5QEAIAMAAADWAQAgFwAA3gEAIBgAAOMBACABAAAA1gEAIAEAAADZAQAgCgMAAN8DACAHAACfBAAgHQAAogQAIB4AAKEEACAvAACgBAAgMAAAowQAILwCAADfAwAgwwIAAN8DACDGAgAA3wMAIMcCAADfAwAgEwMBAJoDACGHAgAAuQMAMIgCAADsAQAQiQIAALkDADCYAgEAigMAIbYCAgCLAwAhuAIBAIoDACG8AgEAmgMAIcACQACMAwAhwQIBAIoDACHCAgEAigMAIcMCAQCaAwAhxAIBAIoDACHFAgIAiwMAIcYCAQCaAwAhxwIBAJoDACHIAgEAigMAIckCAQCKAwAhygIBAIoDACEDAAAA2QEAIAEAAOsBADAcAADsAQAgAwAAANkBACABAADaAQAwAgAA1gEAIAsDAQCVAwAhhwIAALcDADCIAgAA8gEAEIkCAAC3AwAwmAIBAAAAAboCQACXAwAhuwIBAJUDACG8AgEAlQMAIb0CAQCVAwAhvgICAJYDACG_AgAAuAMAIAEAAADvAQAgAQAAAO8BACAKAwEAlQMAIYcCAAC3AwAwiAIAAPIBABCJAgAAtwMAMJgCAQCVAwAhugJAAJcDACG7AgEAlQMAIbwCAQCVAwAhvQIBAJUDACG-AgIAlgMAIQADAAAA8gEAIAEAAPMBADACAADvAQAgAwAAAPIBACABAADzAQAwAgAA7wEAIAMAAADyAQAgAQAA8wEAMAIAAO8BACAHAwEAAAABmAIBAAAAAboCQAAAAAG7AgEAAAABvAIBAAAAAb0CAQAAAAG-AgIAAAABARAAAPcBACAHAwEAAAABmAIBAAAAAboCQAAAAAG7AgEAAAABvAIBAAAAAb0CAQAAAAG-AgIAAAABARAAAPkBADABEAAA-QEAMAcDAQDcAwAhmAIBANwDACG6AkAA3gMAIbsCAQDcAwAhvAIBANwDACG9AgEA3AMAIb4CAgDdAwAhAgAAAO8BACAQAAD8AQAgBwMBANwDACGYAgEA3AMAIboCQADeAwAhuwIBANwDACG8AgEA3AMAIb0CAQDcAwAhvgICAN0DACECAAAA8gEAIBAAAP4BACACAAAA8gEAIBAAAP4BACADAAAA7wEAIBcAAPcBACAYAAD8AQAgAQAAAO8BACABAAAA8gEAIAUHAACaBAAgHQAAnQQAIB4AAJwEACAvAACbBAAgMAAAngQAIAoDAQCKAwAhhwIAALYDADCIAgAAhQIAEIkCAAC2AwAwmAIBAIoDACG6AkAAjAMAIbsCAQCKAwAhvAIBAIoDACG9AgEAigMAIb4CAgCLAwAhAwAAAPIBACABAACEAgAwHAAAhQIAIAMAAADyAQAgAQAA8wEAMAIAAO8BACALAwEArQMAIRABAJUDACGHAgAAtQMAMIgCAACLAgAQiQIAALUDADCYAgEAAAABqQJAAJcDACG2AgIAAAABtwIBAJUDACG4AgEAlQMAIbkCIACpAwAhAQAAAIgCACABAAAAiAIAIAsDAQCtAwAhEAEAlQMAIYcCAAC1AwAwiAIAAIsCABCJAgAAtQMAMJgCAQCVAwAhqQJAAJcDACG2AgIAlgMAIbcCAQCVAwAhuAIBAJUDACG5AiAAqQMAIQEDAADfAwAgAwAAAIsCACABAACMAgAwAgAAiAIAIAMAAACLAgAgAQAAjAIAMAIAAIgCACADAAAAiwIAIAEAAIwCADACAACIAgAgCAMBAAAAARABAAAAAZgCAQAAAAGpAkAAAAABtgICAAAAAbcCAQAAAAG4AgEAAAABuQIgAAAAAQEQAACQAgAgCAMBAAAAARABAAAAAZgCAQAAAAGpAkAAAAABtgICAAAAAbcCAQAAAAG4AgEAAAABuQIgAAAAAQEQAACSAgAwARAAAJICADAIAwEA5gMAIRABANwDACGYAgEA3AMAIakCQADeAwAhtgICAN0DACG3AgEA3AMAIbgCAQDcAwAhuQIgAIIEACECAAAAiAIAIBAAAJUCACAIAwEA5gMAIRABANwDACGYAgEA3AMAIakCQADeAwAhtgICAN0DACG3AgEA3AMAIbgCAQDcAwAhuQIgAIIEACECAAAAiwIAIBAAAJcCACACAAAAiwIAIBAAAJcCACADAAAAiAIAIBcAAJACACAYAACVAgAgAQAAAIgCACABAAAAiwIAIAYDAADfAwAgBwAAlQQAIB0AAJgEACAeAACXBAAgLwAAlgQAIDAAAJkEACALAwEAmgMAIRABAIoDACGHAgAAtAMAMIgCAACeAgAQiQIAALQDADCYAgEAigMAIakCQACMAwAhtgICAIsDACG3AgEAigMAIbgCAQCKAwAhuQIgAKUDACEDAAAAiwIAIAEAAJ0CADAcAACeAgAgAwAAAIsCACABAACMAgAwAgAAiAIAIA7GAQAAqgMAIIcCAACoAwAwiAIAAK4CABCJAgAAqAMAMIwCQACXAwAhmAIBAAAAAakCQACXAwAhqwIBAJUDACGsAgEAlQMAIa0CAQCVAwAhrgIBAJUDACGvAgEAlQMAIbACIACpAwAhsQIBAJUDACEBAAAAoQIAIBLDAQAAsgMAIMUBAACzAwAghwIAALEDADCIAgAAowIAEIkCAACxAwAwjAJAAJcDACGYAgEAlQMAIaACAQCVAwAhoQIBAJUDACGiAgEAlQMAIaMCAQCVAwAhpAIBAJUDACGlAgIAlgMAIaYCQACuAwAhpwJAAK4DACGoAgEArQMAIakCQACXAwAhqgJAAK4DACEGwwEAAJMEACDFAQAAlAQAIKYCAADfAwAgpwIAAN8DACCoAgAA3wMAIKoCAADfAwAgE8MBAACyAwAgxQEAALMDACCHAgAAsQMAMIgCAACjAgAQiQIAALEDADCMAkAAlwMAIZgCAQAAAAGgAgEAlQMAIaECAQCVAwAhogIBAJUDACGjAgEAlQMAIaQCAQCVAwAhpQICAJYDACGmAkAArgMAIacCQACuAwAhqAIBAK0DACGpAkAAlwMAIaoCQACuAwAhtQIAALADACADAAAAowIAIAEAAKQCADACAAClAgAgDMQBAACvAwAghwIAAKsDADCIAgAApwIAEIkCAACrAwAwmAIBAJUDACGZAgEAlQMAIZoCAgCWAwAhmwJAAJcDACGcAgIArAMAIZ0CAgCWAwAhngIBAK0DACGfAkAArgMAIQTEAQAAkgQAIJwCAADfAwAgngIAAN8DACCfAgAA3wMAIAzEAQAArwMAIIcCAACrAwAwiAIAAKcCABCJAgAAqwMAMJgCAQAAAAGZAgEAlQMAIZoCAgCWAwAhmwJAAJcDACGcAgIArAMAIZ0CAgCWAwAhngIBAK0DACGfAkAArgMAIQMAAACnAgAgAQAAqAIAMAIAAKkCACABAAAApwIAIAEAAACjAgAgAQAAAKECACAOxgEAAKoDACCHAgAAqAMAMIgCAACuAgAQiQIAAKgDADCMAkAAlwMAIZgCAQCVAwAhqQJAAJcDACGrAgEAlQMAIawCAQCVAwAhrQIBAJUDACGuAgEAlQMAIa8CAQCVAwAhsAIgAKkDACGxAgEAlQMAIQHGAQAAkQQAIAMAAACuAgAgAQAArwIAMAIAAKECACADAAAArgIAIAEAAK8CADACAAChAgAgAwAAAK4CACABAACvAgAwAgAAoQIAIAvGAQAAkAQAIIwCQAAAAAGYAgEAAAABqQJAAAAAAasCAQAAAAGsAgEAAAABrQIBAAAAAa4CAQAAAAGvAgEAAAABsAIgAAAAAbECAQAAAAEBEAAAswIAIAqMAkAAAAABmAIBAAAAAakCQAAAAAGrAgEAAAABrAIBAAAAAa0CAQAAAAGuAgEAAAABrwIBAAAAAbACIAAAAAGxAgEAAAABARAAALUCADABEAAAtQIAMAvGAQAAgwQAIIwCQADeAwAhmAIBANwDACGpAkAA3gMAIasCAQDcAwAhrAIBANwDACGtAgEA3AMAIa4CAQDcAwAhrwIBANwDACGwAiAAggQAIbECAQDcAwAhAgAAAKECACAQAAC4AgAgCowCQADeAwAhmAIBANwDACGpAkAA3gMAIasCAQDcAwAhrAIBANwDACGtAgEA3AMAIa4CAQDcAwAhrwIBANwDACGwAiAAggQAIbECAQDcAwAhAgAAAK4CACAQAAC6AgAgAgAAAK4CACAQAAC6AgAgAwAAAKECACAXAACzAgAgGAAAuAIAIAEAAAChAgAgAQAAAK4CACADBwAA_wMAIB0AAIEEACAeAACABAAgDYcCAACkAwAwiAIAAMECABCJAgAApAMAMIwCQACMAwAhmAIBAIoDACGpAkAAjAMAIasCAQCKAwAhrAIBAIoDACGtAgEAigMAIa4CAQCKAwAhrwIBAIoDACGwAiAApQMAIbECAQCKAwAhAwAAAK4CACABAADAAgAwHAAAwQIAIAMAAACuAgAgAQAArwIAMAIAAKECACABAAAApQIAIAEAAAClAgAgAwAAAKMCACABAACkAgAwAgAApQIAIAMAAACjAgAgAQAApAIAMAIAAKUCACADAAAAowIAIAEAAKQCADACAAClAgAgD8MBAAD9AwAgxQEAAP4DACCMAkAAAAABmAIBAAAAAaACAQAAAAGhAgEAAAABogIBAAAAAaMCAQAAAAGkAgEAAAABpQICAAAAAaYCQAAAAAGnAkAAAAABqAIBAAAAAakCQAAAAAGqAkAAAAABARAAAMkCACANjAJAAAAAAZgCAQAAAAGgAgEAAAABoQIBAAAAAaICAQAAAAGjAgEAAAABpAIBAAAAAaUCAgAAAAGmAkAAAAABpwJAAAAAAagCAQAAAAGpAkAAAAABqgJAAAAAAQEQAADLAgAwARAAAMsCADAPwwEAAO8DACDFAQAA8AMAIIwCQADeAwAhmAIBANwDACGgAgEA3AMAIaECAQDcAwAhogIBANwDACGjAgEA3AMAIaQCAQDcAwAhpQICAN0DACGmAkAA5wMAIacCQADnAwAhqAIBAOYDACGpAkAA3gMAIaoCQADnAwAhAgAAAKUCACAQAADOAgAgDYwCQADeAwAhmAIBANwDACGgAgEA3AMAIaECAQDcAwAhogIBANwDACGjAgEA3AMAIaQCAQDcAwAhpQICAN0DACGmAkAA5wMAIacCQADnAwAhqAIBAOYDACGpAkAA3gMAIaoCQADnAwAhAgAAAKMCACAQAADQAgAgAgAAAKMCACAQAADQAgAgAwAAAKUCACAXAADJAgAgGAAAzgIAIAEAAAClAgAgAQAAAKMCACAJBwAA6gMAIB0AAO0DACAeAADsAwAgLwAA6wMAIDAAAO4DACCmAgAA3wMAIKcCAADfAwAgqAIAAN8DACCqAgAA3wMAIBCHAgAAowMAMIgCAADXAgAQiQIAAKMDADCMAkAAjAMAIZgCAQCKAwAhoAIBAIoDACGhAgEAigMAIaICAQCKAwAhowIBAIoDACGkAgEAigMAIaUCAgCLAwAhpgJAAJsDACGnAkAAmwMAIagCAQCaAwAhqQJAAIwDACGqAkAAmwMAIQMAAACjAgAgAQAA1gIAMBwAANcCACADAAAAowIAIAEAAKQCADACAAClAgAgAQAAAKkCACABAAAAqQIAIAMAAACnAgAgAQAAqAIAMAIAAKkCACADAAAApwIAIAEAAKgCADACAACpAgAgAwAAAKcCACABAACoAgAwAgAAqQIAIAnEAQAA6QMAIJgCAQAAAAGZAgEAAAABmgICAAAAAZsCQAAAAAGcAgIAAAABnQICAAAAAZ4CAQAAAAGfAkAAAAABARAAAN8CACAImAIBAAAAAZkCAQAAAAGaAgIAAAABmwJAAAAAAZwCAgAAAAGdAgIAAAABngIBAAAAAZ8CQAAAAAEBEAAA4QIAMAEQAADhAgAwCcQBAADoAwAgmAIBANwDACGZAgEA3AMAIZoCAgDdAwAhmwJAAN4DACGcAgIA5QMAIZ0CAgDdAwAhngIBAOYDACGfAkAA5wMAIQIAAACpAgAgEAAA5AIAIAiYAgEA3AMAIZkCAQDcAwAhmgICAN0DACGbAkAA3gMAIZwCAgDlAwAhnQICAN0DACGeAgEA5gMAIZ8CQADnAwAhAgAAAKcCACAQAADmAgAgAgAAAKcCACAQAADmAgAgAwAAAKkCACAXAADfAgAgGAAA5AIAIAEAAACpAgAgAQAAAKcCACAIBwAA4AMAIB0AAOMDACAeAADiAwAgLwAA4QMAIDAAAOQDACCcAgAA3wMAIJ4CAADfAwAgnwIAAN8DACALhwIAAJgDADCIAgAA7QIAEIkCAACYAwAwmAIBAIoDACGZAgEAigMAIZoCAgCLAwAhmwJAAIwDACGcAgIAmQMAIZ0CAgCLAwAhngIBAJoDACGfAkAAmwMAIQMAAACnAgAgAQAA7AIAMBwAAO0CACADAAAApwIAIAEAAKgCADACAACpAgAgBocCAACUAwAwiAIAAPMCABCJAgAAlAMAMIoCAQAAAAGLAgIAlgMAIYwCQACXAwAhAQAAAPACACABAAAA8AIAIAaHAgAAlAMAMIgCAADzAgAQiQIAAJQDADCKAgEAlQMAIYsCAgCWAwAhjAJAAJcDACEAAwAAAPMCACABAAD0AgAwAgAA8AIAIAMAAADzAgAgAQAA9AIAMAIAAPACACADAAAA8wIAIAEAAPQCADACAADwAgAgA4oCAQAAAAGLAgIAAAABjAJAAAAAAQEQAAD4AgAgA4oCAQAAAAGLAgIAAAABjAJAAAAAAQEQAAD6AgAwARAAAPoCADADigIBANwDACGLAgIA3QMAIYwCQADeAwAhAgAAAPACACAQAAD9AgAgA4oCAQDcAwAhiwICAN0DACGMAkAA3gMAIQIAAADzAgAgEAAA_wIAIAIAAADzAgAgEAAA_wIAIAMAAADwAgAgFwAA-AIAIBgAAP0CACABAAAA8AIAIAEAAADzAgAgBQcAANcDACAdAADaAwAgHgAA2QMAIC8AANgDACAwAADbAwAgBocCAACJAwAwiAIAAIYDABCJAgAAiQMAMIoCAQCKAwAhiwICAIsDACGMAkAAjAMAIQMAAADzAgAgAQAAhQMAMBwAAIYDACADAAAA8wIAIAEAAPQCADACAADwAgAgBocCAACJAwAwiAIAAIYDABCJAgAAiQMAMIoCAQCKAwAhiwICAIsDACGMAkAAjAMAIQ4HAACOAwAgHQAAkwMAIB4AAJMDACCNAgEAAAABjgIBAAAABI8CAQAAAASQAgEAAAABkQIBAAAAAZICAQAAAAGTAgEAAAABlAIBAJIDACGVAgEAAAABlgIBAAAAAZcCAQAAAAENBwAAjgMAIB0AAI4DACAeAACOAwAgLwAAkQMAIDAAAI4DACCNAgIAAAABjgICAAAABI8CAgAAAASQAgIAAAABkQICAAAAAZICAgAAAAGTAgIAAAABlAICAJADACELBwAAjgMAIB0AAI8DACAeAACPAwAgjQJAAAAAAY4CQAAAAASPAkAAAAAEkAJAAAAAAZECQAAAAAGSAkAAAAABkwJAAAAAAZQCQACNAwAhCwcAAI4DACAdAACPAwAgHgAAjwMAII0CQAAAAAGOAkAAAAAEjwJAAAAABJACQAAAAAGRAkAAAAABkgJAAAAAAZMCQAAAAAGUAkAAjQMAIQiNAgIAAAABjgICAAAABI8CAgAAAASQAgIAAAABkQICAAAAAZICAgAAAAGTAgIAAAABlAICAI4DACEIjQJAAAAAAY4CQAAAAASPAkAAAAAEkAJAAAAAAZECQAAAAAGSAkAAAAABkwJAAAAAAZQCQACPAwAhDQcAAI4DACAdAACOAwAgHgAAjgMAIC8AAJEDACAwAACOAwAgjQICAAAAAY4CAgAAAASPAgIAAAAEkAICAAAAAZECAgAAAAGSAgIAAAABkwICAAAAAZQCAgCQAwAhCI0CCAAAAAGOAggAAAAEjwIIAAAABJACCAAAAAGRAggAAAABkgIIAAAAAZMCCAAAAAGUAggAkQMAIQ4HAACOAwAgHQAAkwMAIB4AAJMDACCNAgEAAAABjgIBAAAABI8CAQAAAASQAgEAAAABkQIBAAAAAZICAQAAAAGTAgEAAAABlAIBAJIDACGVAgEAAAABlgIBAAAAAZcCAQAAAAELjQIBAAAAAY4CAQAAAASPAgEAAAAEkAIBAAAAAZECAQAAAAGSAgEAAAABkwIBAAAAAZQCAQCTAwAhlQIBAAAAAZYCAQAAAAGXAgEAAAABBocCAACUAwAwiAIAAPMCABCJAgAAlAMAMIoCAQCVAwAhiwICAJYDACGMAkAAlwMAIQuNAgEAAAABjgIBAAAABI8CAQAAAASQAgEAAAABkQIBAAAAAZICAQAAAAGTAgEAAAABlAIBAJMDACGVAgEAAAABlgIBAAAAAZcCAQAAAAEIjQICAAAAAY4CAgAAAASPAgIAAAAEkAICAAAAAZECAgAAAAGSAgIAAAABkwICAAAAAZQCAgCOAwAhCI0CQAAAAAGOAkAAAAAEjwJAAAAABJACQAAAAAGRAkAAAAABkgJAAAAAAZMCQAAAAAGUAkAAjwMAIQuHAgAAmAMAMIgCAADtAgAQiQIAAJgDADCYAgEAigMAIZkCAQCKAwAhmgICAIsDACGbAkAAjAMAIZwCAgCZAwAhnQICAIsDACGeAgEAmgMAIZ8CQACbAwAhDQcAAJ0DACAdAACdAwAgHgAAnQMAIC8AAKIDACAwAACdAwAgjQICAAAAAY4CAgAAAAWPAgIAAAAFkAICAAAAAZECAgAAAAGSAgIAAAABkwICAAAAAZQCAgChAwAhDgcAAJ0DACAdAACgAwAgHgAAoAMAII0CAQAAAAGOAgEAAAAFjwIBAAAABZACAQAAAAGRAgEAAAABkgIBAAAAAZMCAQAAAAGUAgEAnwMAIZUCAQAAAAGWAgEAAAABlwIBAAAAAQsHAACdAwAgHQAAngMAIB4AAJ4DACCNAkAAAAABjgJAAAAABY8CQAAAAAWQAkAAAAABkQJAAAAAAZICQAAAAAGTAkAAAAABlAJAAJwDACELBwAAnQMAIB0AAJ4DACAeAACeAwAgjQJAAAAAAY4CQAAAAAWPAkAAAAAFkAJAAAAAAZECQAAAAAGSAkAAAAABkwJAAAAAAZQCQACcAwAhCI0CAgAAAAGOAgIAAAAFjwICAAAABZACAgAAAAGRAgIAAAABkgICAAAAAZMCAgAAAAGUAgIAnQMAIQiNAkAAAAABjgJAAAAABY8CQAAAAAWQAkAAAAABkQJAAAAAAZICQAAAAAGTAkAAAAABlAJAAJ4DACEOBwAAnQMAIB0AAKADACAeAACgAwAgjQIBAAAAAY4CAQAAAAWPAgEAAAAFkAIBAAAAAZECAQAAAAGSAgEAAAABkwIBAAAAAZQCAQCfAwAhlQIBAAAAAZYCAQAAAAGXAgEAAAABC40CAQAAAAGOAgEAAAAFjwIBAAAABZACAQAAAAGRAgEAAAABkgIBAAAAAZMCAQAAAAGUAgEAoAMAIZUCAQAAAAGWAgEAAAABlwIBAAAAAQ0HAACdAwAgHQAAnQMAIB4AAJ0DACAvAACiAwAgMAAAnQMAII0CAgAAAAGOAgIAAAAFjwICAAAABZACAgAAAAGRAgIAAAABkgICAAAAAZMCAgAAAAGUAgIAoQMAIQiNAggAAAABjgIIAAAABY8CCAAAAAWQAggAAAABkQIIAAAAAZICCAAAAAGTAggAAAABlAIIAKIDACEQhwIAAKMDADCIAgAA1wIAEIkCAACjAwAwjAJAAIwDACGYAgEAigMAIaACAQCKAwAhoQIBAIoDACGiAgEAigMAIaMCAQCKAwAhpAIBAIoDACGlAgIAiwMAIaYCQACbAwAhpwJAAJsDACGoAgEAmgMAIakCQACMAwAhqgJAAJsDACENhwIAAKQDADCIAgAAwQIAEIkCAACkAwAwjAJAAIwDACGYAgEAigMAIakCQACMAwAhqwIBAIoDACGsAgEAigMAIa0CAQCKAwAhrgIBAIoDACGvAgEAigMAIbACIAClAwAhsQIBAIoDACEFBwAAjgMAIB0AAKcDACAeAACnAwAgjQIgAAAAAZQCIACmAwAhBQcAAI4DACAdAACnAwAgHgAApwMAII0CIAAAAAGUAiAApgMAIQKNAiAAAAABlAIgAKcDACEOxgEAAKoDACCHAgAAqAMAMIgCAACuAgAQiQIAAKgDADCMAkAAlwMAIZgCAQCVAwAhqQJAAJcDACGrAgEAlQMAIawCAQCVAwAhrQIBAJUDACGuAgEAlQMAIa8CAQCVAwAhsAIgAKkDACGxAgEAlQMAIQKNAiAAAAABlAIgAKcDACEDsgIAAKMCACCzAgAAowIAILQCAACjAgAgDMQBAACvAwAghwIAAKsDADCIAgAApwIAEIkCAACrAwAwmAIBAJUDACGZAgEAlQMAIZoCAgCWAwAhmwJAAJcDACGcAgIArAMAIZ0CAgCWAwAhngIBAK0DACGfAkAArgMAIQiNAgIAAAABjgICAAAABY8CAgAAAAWQAgIAAAABkQICAAAAAZICAgAAAAGTAgIAAAABlAICAJ0DACELjQIBAAAAAY4CAQAAAAWPAgEAAAAFkAIBAAAAAZECAQAAAAGSAgEAAAABkwIBAAAAAZQCAQCgAwAhlQIBAAAAAZYCAQAAAAGXAgEAAAABCI0CQAAAAAGOAkAAAAAFjwJAAAAABZACQAAAAAGRAkAAAAABkgJAAAAAAZMCQAAAAAGUAkAAngMAIRTDAQAAsgMAIMUBAACzAwAghwIAALEDADCIAgAAowIAEIkCAACxAwAwjAJAAJcDACGYAgEAlQMAIaACAQCVAwAhoQIBAJUDACGiAgEAlQMAIaMCAQCVAwAhpAIBAJUDACGlAgIAlgMAIaYCQACuAwAhpwJAAK4DACGoAgEArQMAIakCQACXAwAhqgJAAK4DACHjAgAAowIAIOQCAACjAgAgAqACAQAAAAGhAgEAAAABEsMBAACyAwAgxQEAALMDACCHAgAAsQMAMIgCAACjAgAQiQIAALEDADCMAkAAlwMAIZgCAQCVAwAhoAIBAJUDACGhAgEAlQMAIaICAQCVAwAhowIBAJUDACGkAgEAlQMAIaUCAgCWAwAhpgJAAK4DACGnAkAArgMAIagCAQCtAwAhqQJAAJcDACGqAkAArgMAIRDGAQAAqgMAIIcCAACoAwAwiAIAAK4CABCJAgAAqAMAMIwCQACXAwAhmAIBAJUDACGpAkAAlwMAIasCAQCVAwAhrAIBAJUDACGtAgEAlQMAIa4CAQCVAwAhrwIBAJUDACGwAiAAqQMAIbECAQCVAwAh4wIAAK4CACDkAgAArgIAIAOyAgAApwIAILMCAACnAgAgtAIAAKcCACALAwEAmgMAIRABAIoDACGHAgAAtAMAMIgCAACeAgAQiQIAALQDADCYAgEAigMAIakCQACMAwAhtgICAIsDACG3AgEAigMAIbgCAQCKAwAhuQIgAKUDACELAwEArQMAIRABAJUDACGHAgAAtQMAMIgCAACLAgAQiQIAALUDADCYAgEAlQMAIakCQACXAwAhtgICAJYDACG3AgEAlQMAIbgCAQCVAwAhuQIgAKkDACEKAwEAigMAIYcCAAC2AwAwiAIAAIUCABCJAgAAtgMAMJgCAQCKAwAhugJAAIwDACG7AgEAigMAIbwCAQCKAwAhvQIBAIoDACG-AgIAiwMAIQoDAQCVAwAhhwIAALcDADCIAgAA8gEAEIkCAAC3AwAwmAIBAJUDACG6AkAAlwMAIbsCAQCVAwAhvAIBAJUDACG9AgEAlQMAIb4CAgCWAwAhBQMBAAAAAboCQAAAAAG7AgEAAAABvAIBAAAAAb0CAQAAAAETAwEAmgMAIYcCAAC5AwAwiAIAAOwBABCJAgAAuQMAMJgCAQCKAwAhtgICAIsDACG4AgEAigMAIbwCAQCaAwAhwAJAAIwDACHBAgEAigMAIcICAQCKAwAhwwIBAJoDACHEAgEAigMAIcUCAgCLAwAhxgIBAJoDACHHAgEAmgMAIcgCAQCKAwAhyQIBAIoDACHKAgEAigMAIRMDAQCtAwAhhwIAALoDADCIAgAA2QEAEIkCAAC6AwAwmAIBAJUDACG2AgIAlgMAIbgCAQCVAwAhvAIBAK0DACHAAkAAlwMAIcECAQCVAwAhwgIBAJUDACHDAgEArQMAIcQCAQCVAwAhxQICAJYDACHGAgEArQMAIccCAQCtAwAhyAIBAJUDACHJAgEAlQMAIcoCAQCVAwAhCYcCAAC7AwAwiAIAANMBABCJAgAAuwMAMKkCQACMAwAhsQIBAIoDACHLAgEAigMAIcwCAgCLAwAhzQIBAIoDACHOAgIAiwMAIQmHAgAAvAMAMIgCAAC9AQAQiQIAALwDADCMAkAAjAMAIZgCAQCKAwAhqQJAAIwDACHPAgEAigMAIdACAQCKAwAh0QICAIsDACEIhwIAAL0DADCIAgAApwEAEIkCAAC9AwAwmAIBAIoDACGpAkAAjAMAIb0CAQCKAwAhzwIBAJoDACHSAgEAigMAIQqHAgAAvgMAMIgCAACPAQAQiQIAAL4DADCKAgEAigMAIYwCQACMAwAhmAIBAIoDACGpAkAAjAMAIawCAQCKAwAh0wIBAIoDACHUAiAApQMAIQsJAADAAwAghwIAAL8DADCIAgAAfAAQiQIAAL8DADCKAgEAlQMAIYwCQACXAwAhmAIBAJUDACGpAkAAlwMAIawCAQCVAwAh0wIBAJUDACHUAiAAqQMAIQOyAgAAEAAgswIAABAAILQCAAAQACAJhwIAAMEDADCIAgAAdgAQiQIAAMEDADCKAgEAigMAIYwCQACMAwAhmAIBAIoDACGpAkAAjAMAIdUCAQCKAwAh1gIgAKUDACEJhwIAAMIDADCIAgAAYwAQiQIAAMIDADCKAgEAlQMAIYwCQACXAwAhmAIBAJUDACGpAkAAlwMAIdUCAQCVAwAh1gIgAKkDACEShwIAAMMDADCIAgAAXQAQiQIAAMMDADCKAgEAigMAIYwCQACMAwAhmAIBAIoDACGpAkAAjAMAIawCAQCKAwAhsQIBAIoDACHKAgEAigMAIdMCAQCKAwAh1wIBAIoDACHYAiAApQMAIdkCAQCKAwAh2gICAJkDACHbAkAAmwMAIdwCQACbAwAh3QJAAJsDACEShwIAAMQDADCIAgAASgAQiQIAAMQDADCKAgEAlQMAIYwCQACXAwAhmAIBAJUDACGpAkAAlwMAIawCAQCVAwAhsQIBAJUDACHKAgEAlQMAIdMCAQCVAwAh1wIBAJUDACHYAiAAqQMAIdkCAQCVAwAh2gICAKwDACHbAkAArgMAIdwCQACuAwAh3QJAAK4DACEIhwIAAMUDADCIAgAARAAQiQIAAMUDADCpAkAAjAMAIa8CAQCKAwAhzAICAIsDACHPAgEAigMAId4CAQCKAwAhCIcCAADGAwAwiAIAAC4AEIkCAADGAwAwigIBAIoDACGMAkAAjAMAIZgCAQCKAwAhqQJAAIwDACGsAgEAigMAIQsEAADIAwAgCAAAyQMAIAkAAMADACCHAgAAxwMAMIgCAAAWABCJAgAAxwMAMIoCAQCVAwAhjAJAAJcDACGYAgEAlQMAIakCQACXAwAhrAIBAJUDACEDsgIAAAMAILMCAAADACC0AgAAAwAgA7ICAAAHACCzAgAABwAgtAIAAAcAIAO9AgEAAAABzwIBAAAAAdICAQAAAAEKAwAAzQMAIAoAAMwDACCHAgAAywMAMIgCAAAQABCJAgAAywMAMJgCAQCVAwAhqQJAAJcDACG9AgEAlQMAIc8CAQCtAwAh0gIBAJUDACENCQAAwAMAIIcCAAC_AwAwiAIAAHwAEIkCAAC_AwAwigIBAJUDACGMAkAAlwMAIZgCAQCVAwAhqQJAAJcDACGsAgEAlQMAIdMCAQCVAwAh1AIgAKkDACHjAgAAfAAg5AIAAHwAIA0EAADIAwAgCAAAyQMAIAkAAMADACCHAgAAxwMAMIgCAAAWABCJAgAAxwMAMIoCAQCVAwAhjAJAAJcDACGYAgEAlQMAIakCQACXAwAhrAIBAJUDACHjAgAAFgAg5AIAABYAIALLAgEAAAABzAICAAAAAQoFAADQAwAghwIAAM8DADCIAgAACwAQiQIAAM8DADCpAkAAlwMAIbECAQCVAwAhywIBAJUDACHMAgIAlgMAIc0CAQCVAwAhzgICAJYDACENAwAA0wMAIAYAANQDACCHAgAA0gMAMIgCAAAHABCJAgAA0gMAMIwCQACXAwAhmAIBAJUDACGpAkAAlwMAIc8CAQCVAwAh0AIBAJUDACHRAgIAlgMAIeMCAAAHACDkAgAABwAgAs8CAQAAAAHQAgEAAAABCwMAANMDACAGAADUAwAghwIAANIDADCIAgAABwAQiQIAANIDADCMAkAAlwMAIZgCAQCVAwAhqQJAAJcDACHPAgEAlQMAIdACAQCVAwAh0QICAJYDACENBAAAyAMAIAgAAMkDACAJAADAAwAghwIAAMcDADCIAgAAFgAQiQIAAMcDADCKAgEAlQMAIYwCQACXAwAhmAIBAJUDACGpAkAAlwMAIawCAQCVAwAh4wIAABYAIOQCAAAWACADsgIAAAsAILMCAAALACC0AgAACwAgAswCAgAAAAHPAgEAAAABCQMAANMDACCHAgAA1gMAMIgCAAADABCJAgAA1gMAMKkCQACXAwAhrwIBAJUDACHMAgIAlgMAIc8CAQCVAwAh3gIBAJUDACEAAAAAAAHoAgEAAAABBegCAgAAAAHuAgIAAAAB7wICAAAAAfACAgAAAAHxAgIAAAABAegCQAAAAAEAAAAAAAAF6AICAAAAAe4CAgAAAAHvAgIAAAAB8AICAAAAAfECAgAAAAEB6AIBAAAAAQHoAkAAAAABBRcAAL0FACAYAADABQAg5QIAAL4FACDmAgAAvwUAIOsCAAClAgAgAxcAAL0FACDlAgAAvgUAIOsCAAClAgAgAAAAAAAFFwAAtwUAIBgAALsFACDlAgAAuAUAIOYCAAC6BQAg6wIAAKECACALFwAA8QMAMBgAAPYDADDlAgAA8gMAMOYCAADzAwAw5wIAAPQDACDoAgAA9QMAMOkCAAD1AwAw6gIAAPUDADDrAgAA9QMAMOwCAAD3AwAw7QIAAPgDADAHmAIBAAAAAZoCAgAAAAGbAkAAAAABnAICAAAAAZ0CAgAAAAGeAgEAAAABnwJAAAAAAQIAAACpAgAgFwAA_AMAIAMAAACpAgAgFwAA_AMAIBgAAPsDACABEAAAuQUAMAzEAQAArwMAIIcCAACrAwAwiAIAAKcCABCJAgAAqwMAMJgCAQAAAAGZAgEAlQMAIZoCAgCWAwAhmwJAAJcDACGcAgIArAMAIZ0CAgCWAwAhngIBAK0DACGfAkAArgMAIQIAAACpAgAgEAAA-wMAIAIAAAD5AwAgEAAA-gMAIAuHAgAA-AMAMIgCAAD5AwAQiQIAAPgDADCYAgEAlQMAIZkCAQCVAwAhmgICAJYDACGbAkAAlwMAIZwCAgCsAwAhnQICAJYDACGeAgEArQMAIZ8CQACuAwAhC4cCAAD4AwAwiAIAAPkDABCJAgAA-AMAMJgCAQCVAwAhmQIBAJUDACGaAgIAlgMAIZsCQACXAwAhnAICAKwDACGdAgIAlgMAIZ4CAQCtAwAhnwJAAK4DACEHmAIBANwDACGaAgIA3QMAIZsCQADeAwAhnAICAOUDACGdAgIA3QMAIZ4CAQDmAwAhnwJAAOcDACEHmAIBANwDACGaAgIA3QMAIZsCQADeAwAhnAICAOUDACGdAgIA3QMAIZ4CAQDmAwAhnwJAAOcDACEHmAIBAAAAAZoCAgAAAAGbAkAAAAABnAICAAAAAZ0CAgAAAAGeAgEAAAABnwJAAAAAAQMXAAC3BQAg5QIAALgFACDrAgAAoQIAIAQXAADxAwAw5QIAAPIDADDnAgAA9AMAIOsCAAD1AwAwAAAAAegCIAAAAAELFwAAhAQAMBgAAIkEADDlAgAAhQQAMOYCAACGBAAw5wIAAIcEACDoAgAAiAQAMOkCAACIBAAw6gIAAIgEADDrAgAAiAQAMOwCAACKBAAw7QIAAIsEADANxQEAAP4DACCMAkAAAAABmAIBAAAAAaECAQAAAAGiAgEAAAABowIBAAAAAaQCAQAAAAGlAgIAAAABpgJAAAAAAacCQAAAAAGoAgEAAAABqQJAAAAAAaoCQAAAAAECAAAApQIAIBcAAI8EACADAAAApQIAIBcAAI8EACAYAACOBAAgARAAALYFADATwwEAALIDACDFAQAAswMAIIcCAACxAwAwiAIAAKMCABCJAgAAsQMAMIwCQACXAwAhmAIBAAAAAaACAQCVAwAhoQIBAJUDACGiAgEAlQMAIaMCAQCVAwAhpAIBAJUDACGlAgIAlgMAIaYCQACuAwAhpwJAAK4DACGoAgEArQMAIakCQACXAwAhqgJAAK4DACG1AgAAsAMAIAIAAAClAgAgEAAAjgQAIAIAAACMBAAgEAAAjQQAIBCHAgAAiwQAMIgCAACMBAAQiQIAAIsEADCMAkAAlwMAIZgCAQCVAwAhoAIBAJUDACGhAgEAlQMAIaICAQCVAwAhowIBAJUDACGkAgEAlQMAIaUCAgCWAwAhpgJAAK4DACGnAkAArgMAIagCAQCtAwAhqQJAAJcDACGqAkAArgMAIRCHAgAAiwQAMIgCAACMBAAQiQIAAIsEADCMAkAAlwMAIZgCAQCVAwAhoAIBAJUDACGhAgEAlQMAIaICAQCVAwAhowIBAJUDACGkAgEAlQMAIaUCAgCWAwAhpgJAAK4DACGnAkAArgMAIagCAQCtAwAhqQJAAJcDACGqAkAArgMAIQyMAkAA3gMAIZgCAQDcAwAhoQIBANwDACGiAgEA3AMAIaMCAQDcAwAhpAIBANwDACGlAgIA3QMAIaYCQADnAwAhpwJAAOcDACGoAgEA5gMAIakCQADeAwAhqgJAAOcDACENxQEAAPADACCMAkAA3gMAIZgCAQDcAwAhoQIBANwDACGiAgEA3AMAIaMCAQDcAwAhpAIBANwDACGlAgIA3QMAIaYCQADnAwAhpwJAAOcDACGoAgEA5gMAIakCQADeAwAhqgJAAOcDACENxQEAAP4DACCMAkAAAAABmAIBAAAAAaECAQAAAAGiAgEAAAABowIBAAAAAaQCAQAAAAGlAgIAAAABpgJAAAAAAacCQAAAAAGoAgEAAAABqQJAAAAAAaoCQAAAAAEEFwAAhAQAMOUCAACFBAAw5wIAAIcEACDrAgAAiAQAMAAGwwEAAJMEACDFAQAAlAQAIKYCAADfAwAgpwIAAN8DACCoAgAA3wMAIKoCAADfAwAgAcYBAACRBAAgAAAAAAAAAAAAAAAAAAAAAAAAAAAABRcAALEFACAYAAC0BQAg5QIAALIFACDmAgAAswUAIOsCAAAJACADFwAAsQUAIOUCAACyBQAg6wIAAAkAIAAAAAAABRcAAKsFACAYAACvBQAg5QIAAKwFACDmAgAArgUAIOsCAAABACALFwAAsgQAMBgAALcEADDlAgAAswQAMOYCAAC0BAAw5wIAALUEACDoAgAAtgQAMOkCAAC2BAAw6gIAALYEADDrAgAAtgQAMOwCAAC4BAAw7QIAALkEADAFqQJAAAAAAbECAQAAAAHMAgIAAAABzQIBAAAAAc4CAgAAAAECAAAADQAgFwAAvQQAIAMAAAANACAXAAC9BAAgGAAAvAQAIAEQAACtBQAwCwUAANADACCHAgAAzwMAMIgCAAALABCJAgAAzwMAMKkCQACXAwAhsQIBAJUDACHLAgEAlQMAIcwCAgCWAwAhzQIBAJUDACHOAgIAlgMAIeACAADOAwAgAgAAAA0AIBAAALwEACACAAAAugQAIBAAALsEACAJhwIAALkEADCIAgAAugQAEIkCAAC5BAAwqQJAAJcDACGxAgEAlQMAIcsCAQCVAwAhzAICAJYDACHNAgEAlQMAIc4CAgCWAwAhCYcCAAC5BAAwiAIAALoEABCJAgAAuQQAMKkCQACXAwAhsQIBAJUDACHLAgEAlQMAIcwCAgCWAwAhzQIBAJUDACHOAgIAlgMAIQWpAkAA3gMAIbECAQDcAwAhzAICAN0DACHNAgEA3AMAIc4CAgDdAwAhBakCQADeAwAhsQIBANwDACHMAgIA3QMAIc0CAQDcAwAhzgICAN0DACEFqQJAAAAAAbECAQAAAAHMAgIAAAABzQIBAAAAAc4CAgAAAAEDFwAAqwUAIOUCAACsBQAg6wIAAAEAIAQXAACyBAAw5QIAALMEADDnAgAAtQQAIOsCAAC2BAAwAAAABRcAAKMFACAYAACpBQAg5QIAAKQFACDmAgAAqAUAIOsCAAB5ACAHFwAAoQUAIBgAAKYFACDlAgAAogUAIOYCAAClBQAg6QIAABYAIOoCAAAWACDrAgAAAQAgAxcAAKMFACDlAgAApAUAIOsCAAB5ACADFwAAoQUAIOUCAACiBQAg6wIAAAEAIAAAAAsXAADLBAAwGAAA0AQAMOUCAADMBAAw5gIAAM0EADDnAgAAzgQAIOgCAADPBAAw6QIAAM8EADDqAgAAzwQAMOsCAADPBAAw7AIAANEEADDtAgAA0gQAMAUDAADGBAAgmAIBAAAAAakCQAAAAAG9AgEAAAABzwIBAAAAAQIAAAASACAXAADWBAAgAwAAABIAIBcAANYEACAYAADVBAAgARAAAKAFADALAwAAzQMAIAoAAMwDACCHAgAAywMAMIgCAAAQABCJAgAAywMAMJgCAQAAAAGpAkAAlwMAIb0CAQCVAwAhzwIBAK0DACHSAgEAlQMAId8CAADKAwAgAgAAABIAIBAAANUEACACAAAA0wQAIBAAANQEACAIhwIAANIEADCIAgAA0wQAEIkCAADSBAAwmAIBAJUDACGpAkAAlwMAIb0CAQCVAwAhzwIBAK0DACHSAgEAlQMAIQiHAgAA0gQAMIgCAADTBAAQiQIAANIEADCYAgEAlQMAIakCQACXAwAhvQIBAJUDACHPAgEArQMAIdICAQCVAwAhBJgCAQDcAwAhqQJAAN4DACG9AgEA3AMAIc8CAQDmAwAhBQMAAMQEACCYAgEA3AMAIakCQADeAwAhvQIBANwDACHPAgEA5gMAIQUDAADGBAAgmAIBAAAAAakCQAAAAAG9AgEAAAABzwIBAAAAAQQXAADLBAAw5QIAAMwEADDnAgAAzgQAIOsCAADPBAAwAAAAAAAAAAAAAAAAAAAFFwAAmwUAIBgAAJ4FACDlAgAAnAUAIOYCAACdBQAg6wIAAAEAIAMXAACbBQAg5QIAAJwFACDrAgAAAQAgAAAACxcAAIMFADAYAACIBQAw5QIAAIQFADDmAgAAhQUAMOcCAACGBQAg6AIAAIcFADDpAgAAhwUAMOoCAACHBQAw6wIAAIcFADDsAgAAiQUAMO0CAACKBQAwCxcAAPcEADAYAAD8BAAw5QIAAPgEADDmAgAA-QQAMOcCAAD6BAAg6AIAAPsEADDpAgAA-wQAMOoCAAD7BAAw6wIAAPsEADDsAgAA_QQAMO0CAAD-BAAwCxcAAO4EADAYAADyBAAw5QIAAO8EADDmAgAA8AQAMOcCAADxBAAg6AIAAM8EADDpAgAAzwQAMOoCAADPBAAw6wIAAM8EADDsAgAA8wQAMO0CAADSBAAwBQoAAMUEACCYAgEAAAABqQJAAAAAAb0CAQAAAAHSAgEAAAABAgAAABIAIBcAAPYEACADAAAAEgAgFwAA9gQAIBgAAPUEACABEAAAmgUAMAIAAAASACAQAAD1BAAgAgAAANMEACAQAAD0BAAgBJgCAQDcAwAhqQJAAN4DACG9AgEA3AMAIdICAQDcAwAhBQoAAMMEACCYAgEA3AMAIakCQADeAwAhvQIBANwDACHSAgEA3AMAIQUKAADFBAAgmAIBAAAAAakCQAAAAAG9AgEAAAAB0gIBAAAAAQYGAAC_BAAgjAJAAAAAAZgCAQAAAAGpAkAAAAAB0AIBAAAAAdECAgAAAAECAAAACQAgFwAAggUAIAMAAAAJACAXAACCBQAgGAAAgQUAIAEQAACZBQAwDAMAANMDACAGAADUAwAghwIAANIDADCIAgAABwAQiQIAANIDADCMAkAAlwMAIZgCAQAAAAGpAkAAlwMAIc8CAQCVAwAh0AIBAJUDACHRAgIAlgMAIeECAADRAwAgAgAAAAkAIBAAAIEFACACAAAA_wQAIBAAAIAFACAJhwIAAP4EADCIAgAA_wQAEIkCAAD-BAAwjAJAAJcDACGYAgEAlQMAIakCQACXAwAhzwIBAJUDACHQAgEAlQMAIdECAgCWAwAhCYcCAAD-BAAwiAIAAP8EABCJAgAA_gQAMIwCQACXAwAhmAIBAJUDACGpAkAAlwMAIc8CAQCVAwAh0AIBAJUDACHRAgIAlgMAIQWMAkAA3gMAIZgCAQDcAwAhqQJAAN4DACHQAgEA3AMAIdECAgDdAwAhBgYAALEEACCMAkAA3gMAIZgCAQDcAwAhqQJAAN4DACHQAgEA3AMAIdECAgDdAwAhBgYAAL8EACCMAkAAAAABmAIBAAAAAakCQAAAAAHQAgEAAAAB0QICAAAAAQSpAkAAAAABrwIBAAAAAcwCAgAAAAHeAgEAAAABAgAAAAUAIBcAAI4FACADAAAABQAgFwAAjgUAIBgAAI0FACABEAAAmAUAMAoDAADTAwAghwIAANYDADCIAgAAAwAQiQIAANYDADCpAkAAlwMAIa8CAQCVAwAhzAICAJYDACHPAgEAlQMAId4CAQCVAwAh4gIAANUDACACAAAABQAgEAAAjQUAIAIAAACLBQAgEAAAjAUAIAiHAgAAigUAMIgCAACLBQAQiQIAAIoFADCpAkAAlwMAIa8CAQCVAwAhzAICAJYDACHPAgEAlQMAId4CAQCVAwAhCIcCAACKBQAwiAIAAIsFABCJAgAAigUAMKkCQACXAwAhrwIBAJUDACHMAgIAlgMAIc8CAQCVAwAh3gIBAJUDACEEqQJAAN4DACGvAgEA3AMAIcwCAgDdAwAh3gIBANwDACEEqQJAAN4DACGvAgEA3AMAIcwCAgDdAwAh3gIBANwDACEEqQJAAAAAAa8CAQAAAAHMAgIAAAAB3gIBAAAAAQQXAACDBQAw5QIAAIQFADDnAgAAhgUAIOsCAACHBQAwBBcAAPcEADDlAgAA-AQAMOcCAAD6BAAg6wIAAPsEADAEFwAA7gQAMOUCAADvBAAw5wIAAPEEACDrAgAAzwQAMAAAAQkAANgEACADBAAAkgUAIAgAAJMFACAJAADYBAAgAgMAAJUFACAGAACXBQAgAASpAkAAAAABrwIBAAAAAcwCAgAAAAHeAgEAAAABBYwCQAAAAAGYAgEAAAABqQJAAAAAAdACAQAAAAHRAgIAAAABBJgCAQAAAAGpAkAAAAABvQIBAAAAAdICAQAAAAEHCAAAkAUAIAkAAJEFACCKAgEAAAABjAJAAAAAAZgCAQAAAAGpAkAAAAABrAIBAAAAAQIAAAABACAXAACbBQAgAwAAABYAIBcAAJsFACAYAACfBQAgCQAAABYAIAgAAOwEACAJAADtBAAgEAAAnwUAIIoCAQDcAwAhjAJAAN4DACGYAgEA3AMAIakCQADeAwAhrAIBANwDACEHCAAA7AQAIAkAAO0EACCKAgEA3AMAIYwCQADeAwAhmAIBANwDACGpAkAA3gMAIawCAQDcAwAhBJgCAQAAAAGpAkAAAAABvQIBAAAAAc8CAQAAAAEHBAAAjwUAIAgAAJAFACCKAgEAAAABjAJAAAAAAZgCAQAAAAGpAkAAAAABrAIBAAAAAQIAAAABACAXAAChBQAgB4oCAQAAAAGMAkAAAAABmAIBAAAAAakCQAAAAAGsAgEAAAAB0wIBAAAAAdQCIAAAAAECAAAAeQAgFwAAowUAIAMAAAAWACAXAAChBQAgGAAApwUAIAkAAAAWACAEAADrBAAgCAAA7AQAIBAAAKcFACCKAgEA3AMAIYwCQADeAwAhmAIBANwDACGpAkAA3gMAIawCAQDcAwAhBwQAAOsEACAIAADsBAAgigIBANwDACGMAkAA3gMAIZgCAQDcAwAhqQJAAN4DACGsAgEA3AMAIQMAAAB8ACAXAACjBQAgGAAAqgUAIAkAAAB8ACAQAACqBQAgigIBANwDACGMAkAA3gMAIZgCAQDcAwAhqQJAAN4DACGsAgEA3AMAIdMCAQDcAwAh1AIgAIIEACEHigIBANwDACGMAkAA3gMAIZgCAQDcAwAhqQJAAN4DACGsAgEA3AMAIdMCAQDcAwAh1AIgAIIEACEHBAAAjwUAIAkAAJEFACCKAgEAAAABjAJAAAAAAZgCAQAAAAGpAkAAAAABrAIBAAAAAQIAAAABACAXAACrBQAgBakCQAAAAAGxAgEAAAABzAICAAAAAc0CAQAAAAHOAgIAAAABAwAAABYAIBcAAKsFACAYAACwBQAgCQAAABYAIAQAAOsEACAJAADtBAAgEAAAsAUAIIoCAQDcAwAhjAJAAN4DACGYAgEA3AMAIakCQADeAwAhrAIBANwDACEHBAAA6wQAIAkAAO0EACCKAgEA3AMAIYwCQADeAwAhmAIBANwDACGpAkAA3gMAIawCAQDcAwAhBwMAAL4EACCMAkAAAAABmAIBAAAAAakCQAAAAAHPAgEAAAAB0AIBAAAAAdECAgAAAAECAAAACQAgFwAAsQUAIAMAAAAHACAXAACxBQAgGAAAtQUAIAkAAAAHACADAACwBAAgEAAAtQUAIIwCQADeAwAhmAIBANwDACGpAkAA3gMAIc8CAQDcAwAh0AIBANwDACHRAgIA3QMAIQcDAACwBAAgjAJAAN4DACGYAgEA3AMAIakCQADeAwAhzwIBANwDACHQAgEA3AMAIdECAgDdAwAhDIwCQAAAAAGYAgEAAAABoQIBAAAAAaICAQAAAAGjAgEAAAABpAIBAAAAAaUCAgAAAAGmAkAAAAABpwJAAAAAAagCAQAAAAGpAkAAAAABqgJAAAAAAQqMAkAAAAABmAIBAAAAAakCQAAAAAGrAgEAAAABrAIBAAAAAa0CAQAAAAGuAgEAAAABrwIBAAAAAbACIAAAAAGxAgEAAAABAgAAAKECACAXAAC3BQAgB5gCAQAAAAGaAgIAAAABmwJAAAAAAZwCAgAAAAGdAgIAAAABngIBAAAAAZ8CQAAAAAEDAAAArgIAIBcAALcFACAYAAC8BQAgDAAAAK4CACAQAAC8BQAgjAJAAN4DACGYAgEA3AMAIakCQADeAwAhqwIBANwDACGsAgEA3AMAIa0CAQDcAwAhrgIBANwDACGvAgEA3AMAIbACIACCBAAhsQIBANwDACEKjAJAAN4DACGYAgEA3AMAIakCQADeAwAhqwIBANwDACGsAgEA3AMAIa0CAQDcAwAhrgIBANwDACGvAgEA3AMAIbACIACCBAAhsQIBANwDACEOwwEAAP0DACCMAkAAAAABmAIBAAAAAaACAQAAAAGhAgEAAAABogIBAAAAAaMCAQAAAAGkAgEAAAABpQICAAAAAaYCQAAAAAGnAkAAAAABqAIBAAAAAakCQAAAAAGqAkAAAAABAgAAAKUCACAXAAC9BQAgAwAAAKMCACAXAAC9BQAgGAAAwQUAIBAAAACjAgAgEAAAwQUAIMMBAADvAwAgjAJAAN4DACGYAgEA3AMAIaACAQDcAwAhoQIBANwDACGiAgEA3AMAIaMCAQDcAwAhpAIBANwDACGlAgIA3QMAIaYCQADnAwAhpwJAAOcDACGoAgEA5gMAIakCQADeAwAhqgJAAOcDACEOwwEAAO8DACCMAkAA3gMAIZgCAQDcAwAhoAIBANwDACGhAgEA3AMAIaICAQDcAwAhowIBANwDACGkAgEA3AMAIaUCAgDdAwAhpgJAAOcDACGnAkAA5wMAIagCAQDmAwAhqQJAAN4DACGqAkAA5wMAIQQEBgIHAAkICgMJEwYBAwABAwMAAQYOBAcABQEFAAMBBg8AAgMXAQoABwIHAAgJFAYBCRUAAwQYAAgZAAkaAAAAAAMHAA4dAA8eABAAAAADBwAOHQAPHgAQAQMAAQEDAAEFBwAVHQAYHgAZLwAWMAAXAAAAAAAFBwAVHQAYHgAZLwAWMAAXAAAABQcAHx0AIh4AIy8AIDAAIQAAAAAABQcAHx0AIh4AIy8AIDAAIQAAAAMHACkdACoeACsAAAADBwApHQAqHgArAAADBwAwHQAxHgAyAAAAAwcAMB0AMR4AMgIDnAEBCgAHAgOiAQEKAAcDBwA3HQA4HgA5AAAAAwcANx0AOB4AOQEDAAEBAwABBQcAPh0AQR4AQi8APzAAQAAAAAAABQcAPh0AQR4AQi8APzAAQAEFAAMBBQADBQcARx0ASh4ASy8ASDAASQAAAAAABQcARx0ASh4ASy8ASDAASQAAAAUHAFEdAFQeAFUvAFIwAFMAAAAAAAUHAFEdAFQeAFUvAFIwAFMAAAAFBwBbHQBeHgBfLwBcMABdAAAAAAAFBwBbHQBeHgBfLwBcMABdAAAABQcAZR0AaB4AaS8AZjAAZwAAAAAABQcAZR0AaB4AaS8AZjAAZwIHAG_GAaYCbAMHAG7DAQBrxQGqAm0BxAEAbAHFAasCAAHGAawCAAAAAwcAcx0AdB4AdQAAAAMHAHMdAHQeAHUBwwEAawHDAQBrBQcAeh0AfR4Afi8AezAAfAAAAAAABQcAeh0AfR4Afi8AezAAfAHEAQBsAcQBAGwFBwCDAR0AhgEeAIcBLwCEATAAhQEAAAAAAAUHAIMBHQCGAR4AhwEvAIQBMACFAQAAAAUHAI0BHQCQAR4AkQEvAI4BMACPAQAAAAAABQcAjQEdAJABHgCRAS8AjgEwAI8BCwIBDBsBDR0BDh4BDx8BESEBEiMKEyQLFCYBFSgKFikMGSoBGisBGywKHy8NIDARITECIjICIzMCJDQCJTUCJjcCJzkKKDoSKTwCKj4KKz8TLEACLUECLkIKMUUUMkYaM0gbNEkbNUwbNk0bN04bOFAbOVIKOlMcO1UbPFcKPVgdPlkbP1obQFsKQV4eQl8kQ2ElRGIlRWUlRmYlR2clSGklSWsKSmwmS24lTHAKTXEnTnIlT3MlUHQKUXcoUngsU3oHVHsHVX4HVn8HV4ABB1iCAQdZhAEKWoUBLVuHAQdciQEKXYoBLl6LAQdfjAEHYI0BCmGQAS9ikQEzY5IBBmSTAQZllAEGZpUBBmeWAQZomAEGaZoBCmqbATRrngEGbKABCm2hATVuowEGb6QBBnClAQpxqAE2cqkBOnOqAQN0qwEDdawBA3atAQN3rgEDeLABA3myAQp6swE7e7UBA3y3AQp9uAE8frkBA3-6AQOAAbsBCoEBvgE9ggG_AUODAcABBIQBwQEEhQHCAQSGAcMBBIcBxAEEiAHGAQSJAcgBCooByQFEiwHLAQSMAc0BCo0BzgFFjgHPAQSPAdABBJAB0QEKkQHUAUaSAdUBTJMB1wFNlAHYAU2VAdsBTZYB3AFNlwHdAU2YAd8BTZkB4QEKmgHiAU6bAeQBTZwB5gEKnQHnAU-eAegBTZ8B6QFNoAHqAQqhAe0BUKIB7gFWowHwAVekAfEBV6UB9AFXpgH1AVenAfYBV6gB-AFXqQH6AQqqAfsBWKsB_QFXrAH_AQqtAYACWa4BgQJXrwGCAlewAYMCCrEBhgJasgGHAmCzAYkCYbQBigJhtQGNAmG2AY4CYbcBjwJhuAGRAmG5AZMCCroBlAJiuwGWAmG8AZgCCr0BmQJjvgGaAmG_AZsCYcABnAIKwQGfAmTCAaACascBogJryAGtAmvJAbACa8oBsQJrywGyAmvMAbQCa80BtgIKzgG3AnDPAbkCa9ABuwIK0QG8AnHSAb0Ca9MBvgJr1AG_AgrVAcICctYBwwJ21wHEAmzYAcUCbNkBxgJs2gHHAmzbAcgCbNwBygJs3QHMAgreAc0Cd98BzwJs4AHRAgrhAdICeOIB0wJs4wHUAmzkAdUCCuUB2AJ55gHZAn_nAdoCbegB2wJt6QHcAm3qAd0CbesB3gJt7AHgAm3tAeICCu4B4wKAAe8B5QJt8AHnAgrxAegCgQHyAekCbfMB6gJt9AHrAgr1Ae4CggH2Ae8CiAH3AfECiQH4AfICiQH5AfUCiQH6AfYCiQH7AfcCiQH8AfkCiQH9AfsCCv4B_AKKAf8B_gKJAYACgAMKgQKBA4sBggKCA4kBgwKDA4kBhAKEAwqFAocDjAGGAogDkgE"
    };
    config2.compilerWasm = {
      getRuntime: async () => await import("@prisma/client/runtime/query_compiler_fast_bg.postgresql.mjs"),
      getQueryCompilerWasmModule: async () => {
        const { wasm } = await import("@prisma/client/runtime/query_compiler_fast_bg.postgresql.wasm-base64.mjs");
        return await decodeBase64AsWasm2(wasm);
      },
      importName: "./query_compiler_fast_bg.js"
    };
  }
});

// server/store/generated/postgres/internal/prismaNamespace.ts
var prismaNamespace_exports2 = {};
__export(prismaNamespace_exports2, {
  AnyNull: () => AnyNull3,
  AuditRecordScalarFieldEnum: () => AuditRecordScalarFieldEnum,
  BindingScalarFieldEnum: () => BindingScalarFieldEnum,
  DbNull: () => DbNull3,
  Decimal: () => Decimal3,
  DecisionMinuteScalarFieldEnum: () => DecisionMinuteScalarFieldEnum,
  JsonNull: () => JsonNull3,
  ModelName: () => ModelName,
  NullTypes: () => NullTypes4,
  NullsOrder: () => NullsOrder,
  OutboxEventScalarFieldEnum: () => OutboxEventScalarFieldEnum,
  PrismaClientInitializationError: () => PrismaClientInitializationError3,
  PrismaClientKnownRequestError: () => PrismaClientKnownRequestError3,
  PrismaClientRustPanicError: () => PrismaClientRustPanicError3,
  PrismaClientUnknownRequestError: () => PrismaClientUnknownRequestError3,
  PrismaClientValidationError: () => PrismaClientValidationError3,
  QueryMode: () => QueryMode,
  RealmKeyScalarFieldEnum: () => RealmKeyScalarFieldEnum,
  RealmScalarFieldEnum: () => RealmScalarFieldEnum,
  RoleScalarFieldEnum: () => RoleScalarFieldEnum,
  SecretScalarFieldEnum: () => SecretScalarFieldEnum,
  SecretVersionScalarFieldEnum: () => SecretVersionScalarFieldEnum,
  SinkCursorScalarFieldEnum: () => SinkCursorScalarFieldEnum,
  SortOrder: () => SortOrder,
  Sql: () => Sql3,
  TokenScalarFieldEnum: () => TokenScalarFieldEnum,
  TransactionIsolationLevel: () => TransactionIsolationLevel2,
  UserScalarFieldEnum: () => UserScalarFieldEnum,
  WebhookAttemptScalarFieldEnum: () => WebhookAttemptScalarFieldEnum,
  WebhookDeliveryScalarFieldEnum: () => WebhookDeliveryScalarFieldEnum,
  WebhookEndpointScalarFieldEnum: () => WebhookEndpointScalarFieldEnum,
  defineExtension: () => defineExtension2,
  empty: () => empty4,
  getExtensionContext: () => getExtensionContext2,
  join: () => join3,
  prismaVersion: () => prismaVersion,
  raw: () => raw3,
  sql: () => sql
});
import * as runtime4 from "@prisma/client/runtime/client";
var PrismaClientKnownRequestError3, PrismaClientUnknownRequestError3, PrismaClientRustPanicError3, PrismaClientInitializationError3, PrismaClientValidationError3, sql, empty4, join3, raw3, Sql3, Decimal3, getExtensionContext2, prismaVersion, NullTypes4, DbNull3, JsonNull3, AnyNull3, ModelName, TransactionIsolationLevel2, RealmScalarFieldEnum, RealmKeyScalarFieldEnum, TokenScalarFieldEnum, UserScalarFieldEnum, RoleScalarFieldEnum, BindingScalarFieldEnum, SecretScalarFieldEnum, SecretVersionScalarFieldEnum, AuditRecordScalarFieldEnum, DecisionMinuteScalarFieldEnum, OutboxEventScalarFieldEnum, WebhookEndpointScalarFieldEnum, WebhookDeliveryScalarFieldEnum, WebhookAttemptScalarFieldEnum, SinkCursorScalarFieldEnum, SortOrder, QueryMode, NullsOrder, defineExtension2;
var init_prismaNamespace = __esm({
  "server/store/generated/postgres/internal/prismaNamespace.ts"() {
    "use strict";
    PrismaClientKnownRequestError3 = runtime4.PrismaClientKnownRequestError;
    PrismaClientUnknownRequestError3 = runtime4.PrismaClientUnknownRequestError;
    PrismaClientRustPanicError3 = runtime4.PrismaClientRustPanicError;
    PrismaClientInitializationError3 = runtime4.PrismaClientInitializationError;
    PrismaClientValidationError3 = runtime4.PrismaClientValidationError;
    sql = runtime4.sqltag;
    empty4 = runtime4.empty;
    join3 = runtime4.join;
    raw3 = runtime4.raw;
    Sql3 = runtime4.Sql;
    Decimal3 = runtime4.Decimal;
    getExtensionContext2 = runtime4.Extensions.getExtensionContext;
    prismaVersion = {
      client: "7.10.1",
      engine: "d1b3f377ca835d73fd50954a5e22128b9ebdd6b8"
    };
    NullTypes4 = {
      DbNull: runtime4.NullTypes.DbNull,
      JsonNull: runtime4.NullTypes.JsonNull,
      AnyNull: runtime4.NullTypes.AnyNull
    };
    DbNull3 = runtime4.DbNull;
    JsonNull3 = runtime4.JsonNull;
    AnyNull3 = runtime4.AnyNull;
    ModelName = {
      Realm: "Realm",
      RealmKey: "RealmKey",
      Token: "Token",
      User: "User",
      Role: "Role",
      Binding: "Binding",
      Secret: "Secret",
      SecretVersion: "SecretVersion",
      AuditRecord: "AuditRecord",
      DecisionMinute: "DecisionMinute",
      OutboxEvent: "OutboxEvent",
      WebhookEndpoint: "WebhookEndpoint",
      WebhookDelivery: "WebhookDelivery",
      WebhookAttempt: "WebhookAttempt",
      SinkCursor: "SinkCursor"
    };
    TransactionIsolationLevel2 = runtime4.makeStrictEnum({
      ReadUncommitted: "ReadUncommitted",
      ReadCommitted: "ReadCommitted",
      RepeatableRead: "RepeatableRead",
      Serializable: "Serializable"
    });
    RealmScalarFieldEnum = {
      id: "id",
      name: "name",
      description: "description",
      createdAt: "createdAt",
      updatedAt: "updatedAt"
    };
    RealmKeyScalarFieldEnum = {
      realmId: "realmId",
      version: "version",
      wrappedKey: "wrappedKey",
      kekId: "kekId",
      createdAt: "createdAt"
    };
    TokenScalarFieldEnum = {
      id: "id",
      name: "name",
      description: "description",
      prefix: "prefix",
      hash: "hash",
      isAdmin: "isAdmin",
      capabilities: "capabilities",
      realms: "realms",
      rateLimit: "rateLimit",
      createdBy: "createdBy",
      expiresAt: "expiresAt",
      revokedAt: "revokedAt",
      lastUsedAt: "lastUsedAt",
      createdAt: "createdAt",
      updatedAt: "updatedAt"
    };
    UserScalarFieldEnum = {
      id: "id",
      name: "name",
      passwordHash: "passwordHash",
      disabled: "disabled",
      createdAt: "createdAt",
      updatedAt: "updatedAt"
    };
    RoleScalarFieldEnum = {
      id: "id",
      name: "name",
      description: "description",
      capabilities: "capabilities",
      builtin: "builtin",
      createdAt: "createdAt",
      updatedAt: "updatedAt"
    };
    BindingScalarFieldEnum = {
      id: "id",
      subject: "subject",
      roleId: "roleId",
      realmId: "realmId",
      createdAt: "createdAt"
    };
    SecretScalarFieldEnum = {
      id: "id",
      realmId: "realmId",
      key: "key",
      currentVersion: "currentVersion",
      createdAt: "createdAt",
      updatedAt: "updatedAt"
    };
    SecretVersionScalarFieldEnum = {
      secretId: "secretId",
      version: "version",
      ciphertext: "ciphertext",
      keyVersion: "keyVersion",
      createdBy: "createdBy",
      createdAt: "createdAt"
    };
    AuditRecordScalarFieldEnum = {
      seq: "seq",
      id: "id",
      time: "time",
      requestId: "requestId",
      actor: "actor",
      action: "action",
      realm: "realm",
      resource: "resource",
      outcome: "outcome",
      status: "status",
      capability: "capability",
      reason: "reason",
      ip: "ip",
      details: "details",
      prevHash: "prevHash",
      hash: "hash"
    };
    DecisionMinuteScalarFieldEnum = {
      id: "id",
      minute: "minute",
      lane: "lane",
      realm: "realm",
      capability: "capability",
      subject: "subject",
      count: "count"
    };
    OutboxEventScalarFieldEnum = {
      seq: "seq",
      id: "id",
      type: "type",
      realm: "realm",
      requestId: "requestId",
      data: "data",
      createdAt: "createdAt",
      fannedOut: "fannedOut"
    };
    WebhookEndpointScalarFieldEnum = {
      id: "id",
      url: "url",
      description: "description",
      events: "events",
      secretWrapped: "secretWrapped",
      kekId: "kekId",
      enabled: "enabled",
      createdBy: "createdBy",
      createdAt: "createdAt",
      updatedAt: "updatedAt"
    };
    WebhookDeliveryScalarFieldEnum = {
      id: "id",
      endpointId: "endpointId",
      eventId: "eventId",
      event: "event",
      payload: "payload",
      state: "state",
      attempts: "attempts",
      nextAttemptAt: "nextAttemptAt",
      claimedUntil: "claimedUntil",
      lastError: "lastError",
      createdAt: "createdAt",
      updatedAt: "updatedAt",
      deliveredAt: "deliveredAt"
    };
    WebhookAttemptScalarFieldEnum = {
      id: "id",
      deliveryId: "deliveryId",
      attempt: "attempt",
      startedAt: "startedAt",
      statusCode: "statusCode",
      latencyMs: "latencyMs",
      error: "error",
      nextRetryAt: "nextRetryAt"
    };
    SinkCursorScalarFieldEnum = {
      name: "name",
      position: "position",
      updatedAt: "updatedAt"
    };
    SortOrder = {
      asc: "asc",
      desc: "desc"
    };
    QueryMode = {
      default: "default",
      insensitive: "insensitive"
    };
    NullsOrder = {
      first: "first",
      last: "last"
    };
    defineExtension2 = runtime4.Extensions.defineExtension;
  }
});

// server/store/generated/postgres/enums.ts
var enums_exports2 = {};
var init_enums = __esm({
  "server/store/generated/postgres/enums.ts"() {
    "use strict";
  }
});

// server/store/generated/postgres/client.ts
var client_exports = {};
__export(client_exports, {
  $Enums: () => enums_exports2,
  Prisma: () => prismaNamespace_exports2,
  PrismaClient: () => PrismaClient2
});
import * as path8 from "node:path";
import { fileURLToPath as fileURLToPath3 } from "node:url";
var PrismaClient2;
var init_client = __esm({
  "server/store/generated/postgres/client.ts"() {
    "use strict";
    init_class();
    init_prismaNamespace();
    init_enums();
    init_enums();
    globalThis["__dirname"] = path8.dirname(fileURLToPath3(import.meta.url));
    PrismaClient2 = getPrismaClientClass2();
  }
});

// server/main.ts
import { existsSync as existsSync6, mkdirSync } from "node:fs";
import path10 from "node:path";
import { fileURLToPath as fileURLToPath4 } from "node:url";

// server/config/config.ts
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
var bool = z.union([z.boolean(), z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1")]);
var int = (min, max) => z.coerce.number().int().min(min).max(max);
var sections = {
  "": z.strictObject({
    port: int(0, 65535).default(8443),
    host: z.string().min(1).default("0.0.0.0"),
    data_dir: z.string().min(1).default("./data"),
    database_url: z.string().default("").refine((v) => v === "" || /^(postgres|postgresql):\/\//.test(v) || v.startsWith("file:"), {
      message: "must be empty (embedded SQLite), a postgres:// URL or a file: path"
    }),
    redis_url: z.string().default("").refine((v) => v === "" || /^rediss?:\/\//.test(v), { message: "must be a redis:// URL" })
  }),
  tls: z.strictObject({
    cert_file: z.string().default(""),
    key_file: z.string().default("")
  }),
  auth: z.strictObject({
    cache_ttl: int(0, 86400).default(30),
    max_cache_size: int(1, 1e7).default(1e3),
    bootstrap_token: z.string().default("").refine((v) => v === "" || v.length >= 32, { message: "must be at least 32 characters" }),
    force_bootstrap: bool.default(false),
    query_param_token: bool.default(false)
  }),
  rate_limit: z.strictObject({
    per_token: int(1, 1e7).default(100),
    per_ip: int(1, 1e7).default(10)
  }),
  audit: z.strictObject({
    syslog_address: z.string().default("").refine((v) => v === "" || /^(udp|tcp):\/\/[^:/]+:\d+$/.test(v), { message: "must look like udp://host:514 or tcp://host:601" })
  }),
  webhooks: z.strictObject({
    retry_schedule: z.union([z.array(z.coerce.number().min(0)), z.string().transform((s) => s.split(",").map((x) => Number(x.trim())))]).pipe(z.array(z.number().min(0).max(86400)).max(10)).default([1, 5, 30]),
    allow_private_networks: bool.default(false)
  }),
  console: z.strictObject({
    enabled: bool.default(true),
    dev: bool.default(false)
  }),
  log: z.strictObject({
    level: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info")
  })
};
var ConfigError = class extends Error {
};
function envName(section, key) {
  return ["ARCAN", section, key].filter(Boolean).join("_").toUpperCase();
}
var ENV_ALIASES = {
  ARCAN_BOOTSTRAP_TOKEN: "ARCAN_AUTH_BOOTSTRAP_TOKEN",
  ARCAN_FORCE_BOOTSTRAP: "ARCAN_AUTH_FORCE_BOOTSTRAP"
};
function loadConfig(env = process.env, cwd = process.cwd()) {
  const explicit = env.ARCAN_CONFIG;
  const file = explicit ? path.resolve(cwd, explicit) : path.join(cwd, "arcan.toml");
  let fromFile = {};
  if (explicit && !existsSync(file)) throw new ConfigError(`config: ARCAN_CONFIG names ${file}, which does not exist`);
  if (existsSync(file)) {
    try {
      fromFile = parseToml(readFileSync(file, "utf8"));
    } catch (err) {
      throw new ConfigError(`config: ${file} is not valid TOML: ${err.message.split("\n")[0]}`);
    }
  }
  for (const name of Object.keys(fromFile)) {
    const isSection = name in sections && name !== "";
    if (!isSection && !(name in sections[""].shape)) throw new ConfigError(`config: unknown key "${name}" in ${file}`);
  }
  const merged = {};
  for (const [section, schema] of Object.entries(sections)) {
    const raw4 = {};
    const fileSection = section === "" ? fromFile : fromFile[section] ?? {};
    for (const [key, value] of Object.entries(fileSection)) {
      if (section === "" && key in sections) continue;
      if (!(key in schema.shape)) throw new ConfigError(`config: unknown key "${key}" in [${section}] of ${file}`);
      raw4[key] = value;
    }
    for (const key of Object.keys(schema.shape)) {
      const name = envName(section, key);
      const alias = Object.entries(ENV_ALIASES).find(([, target]) => target === name)?.[0];
      const value = env[name] ?? (alias ? env[alias] : void 0);
      if (value !== void 0 && value !== "") raw4[key] = value;
    }
    const parsed = schema.safeParse(raw4);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const key = String(issue.path[0] ?? "");
      const where = section ? `[${section}] ${key}` : key;
      throw new ConfigError(`config: ${where} (${envName(section, key)}): ${issue.message}`);
    }
    if (section === "") Object.assign(merged, parsed.data);
    else merged[section] = parsed.data;
  }
  merged.data_dir = path.resolve(cwd, merged.data_dir);
  merged.configFile = existsSync(file) ? file : null;
  return merged;
}

// server/console/secret.ts
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync as existsSync2, readFileSync as readFileSync2, writeFileSync } from "node:fs";
import path2 from "node:path";
var SESSION_SECRET_FILE = "console-session.key";
function loadOrCreateSessionSecret(dataDir) {
  const file = path2.join(dataDir, SESSION_SECRET_FILE);
  if (existsSync2(file)) {
    chmodSync(file, 384);
    const value2 = readFileSync2(file, "utf8").trim();
    if (value2.length >= 43) return value2;
  }
  const value = randomBytes(32).toString("base64url");
  writeFileSync(file, `${value}
`, { mode: 384 });
  chmodSync(file, 384);
  return value;
}
function prepareConsoleEnvironment(dataDir) {
  if (!process.env.NEXTAUTH_SECRET) process.env.NEXTAUTH_SECRET = loadOrCreateSessionSecret(dataDir);
  if (!process.env.NEXTAUTH_URL) process.env.AUTH_TRUST_HOST = "true";
}

// server/console/security-headers.ts
import { randomBytes as randomBytes2 } from "node:crypto";
var CLIENT_IP_HEADER = "x-arcan-client-ip";
var NONCE_HEADER = "x-arcan-nonce";
var PATH_HEADER = "x-arcan-path";
function contentSecurityPolicy(nonce, dev) {
  return [
    "default-src 'self'",
    // Next's dev overlay evaluates code; production never needs eval.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // Recharts positions elements with style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'"
  ].join("; ");
}
var STATIC_SECURITY_HEADERS = {
  "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()"
};
function withConsoleSecurity(handler, opts) {
  return (req, res) => {
    const nonce = randomBytes2(16).toString("base64");
    const csp = contentSecurityPolicy(nonce, opts.dev);
    delete req.headers["x-forwarded-host"];
    req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? "unknown";
    req.headers[NONCE_HEADER] = nonce;
    req.headers[PATH_HEADER] = (req.url ?? "/").split("?")[0];
    req.headers["content-security-policy"] = csp;
    res.setHeader("Content-Security-Policy", csp);
    for (const [name, value] of Object.entries(STATIC_SECURITY_HEADERS)) res.setHeader(name, value);
    return handler(req, res);
  };
}

// server/crypto/kms.ts
import { createCipheriv, createDecipheriv, randomBytes as randomBytes3 } from "node:crypto";
import { chmodSync as chmodSync2, existsSync as existsSync3, readFileSync as readFileSync3, statSync, writeFileSync as writeFileSync2 } from "node:fs";
import path3 from "node:path";
function sealAesGcm(key, plaintext, aad2) {
  const iv = randomBytes3(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(aad2));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64");
}
function openAesGcm(key, sealed, aad2) {
  const raw4 = Buffer.from(sealed, "base64");
  if (raw4.length < 28) throw new Error("ciphertext too short");
  const decipher = createDecipheriv("aes-256-gcm", key, raw4.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad2));
  decipher.setAuthTag(raw4.subarray(raw4.length - 16));
  return Buffer.concat([decipher.update(raw4.subarray(12, raw4.length - 16)), decipher.final()]);
}
var LocalKeyFileKms = class _LocalKeyFileKms {
  constructor(file) {
    this.file = file;
  }
  file;
  keyId = "local:kek-1";
  key = null;
  static inDataDir(dataDir) {
    return new _LocalKeyFileKms(path3.join(dataDir, "kek.key"));
  }
  /** Creates the key file on first start; refuses a key file others can read. */
  load() {
    if (!existsSync3(this.file)) {
      writeFileSync2(this.file, randomBytes3(32).toString("base64") + "\n", { mode: 384, flag: "wx" });
    }
    const mode = statSync(this.file).mode & 511;
    if (mode & 63) chmodSync2(this.file, 384);
    const key = Buffer.from(readFileSync3(this.file, "utf8").trim(), "base64");
    if (key.length !== 32) throw new Error(`key file ${this.file} does not hold a 256-bit key`);
    this.key = key;
  }
  requireKey() {
    if (!this.key) this.load();
    return this.key;
  }
  async wrap(dataKey, context) {
    return sealAesGcm(this.requireKey(), dataKey, `kek:${this.keyId}:${context}`);
  }
  async unwrap(wrapped, context) {
    return openAesGcm(this.requireKey(), wrapped, `kek:${this.keyId}:${context}`);
  }
  async healthy() {
    try {
      return existsSync3(this.file) && this.requireKey().length === 32;
    } catch {
      return false;
    }
  }
};

// server/http/server.ts
import { createServer } from "node:https";
function isRestPath(url) {
  return url.startsWith("/api/v1/") || url === "/api/v1" || url.startsWith("/.well-known/") || /^\/(health|ready|metrics)(\?|$)/.test(url);
}
function createArcanServer(tls, rest, web) {
  let inFlight = 0;
  const server = createServer({ key: tls.key, cert: tls.cert, minVersion: "TLSv1.2" }, (req, res) => {
    inFlight++;
    res.once("close", () => inFlight--);
    const url = req.url ?? "/";
    void (isRestPath(url) ? rest(req, res) : web(req, res));
  });
  server.keepAliveTimeout = 65e3;
  server.headersTimeout = 66e3;
  server.requestTimeout = 6e4;
  return { server, inFlight: () => inFlight };
}

// server/http/tls.ts
import { X509Certificate } from "node:crypto";
import { existsSync as existsSync4, readFileSync as readFileSync4, writeFileSync as writeFileSync3 } from "node:fs";
import path4 from "node:path";
import { generate } from "selfsigned";
async function loadTls(opts) {
  if (opts.certFile || opts.keyFile) {
    if (!opts.certFile || !opts.keyFile) throw new Error("config: [tls] cert_file and key_file must be set together");
    const cert2 = readFileSync4(opts.certFile, "utf8");
    return { key: readFileSync4(opts.keyFile, "utf8"), cert: cert2, fingerprint256: new X509Certificate(cert2).fingerprint256, selfSigned: false, certFile: opts.certFile };
  }
  const certFile = path4.join(opts.dataDir, "tls.crt");
  const keyFile = path4.join(opts.dataDir, "tls.key");
  if (!existsSync4(certFile) || !existsSync4(keyFile)) {
    const notAfterDate = new Date(Date.now() + 825 * 864e5);
    const pems = await generate([{ name: "commonName", value: "localhost" }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      notAfterDate,
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }] }
      ]
    });
    writeFileSync3(keyFile, pems.private, { mode: 384 });
    writeFileSync3(certFile, pems.cert, { mode: 420 });
  }
  const cert = readFileSync4(certFile, "utf8");
  return { key: readFileSync4(keyFile, "utf8"), cert, fingerprint256: new X509Certificate(cert).fingerprint256, selfSigned: true, certFile };
}

// server/observability/logger.ts
import pino from "pino";
function createLogger(level) {
  return pino({
    level,
    base: { service: "arcan" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        "req.headers.authorization",
        "req.headers['x-api-key']",
        "req.headers.cookie",
        "token",
        "value",
        "*.token",
        "*.value",
        "password",
        "*.password"
      ],
      censor: "[redacted]"
    }
  });
}
function scrubUrl(url) {
  return url.replace(/([?&])p=[^&]*/g, "$1p=[redacted]");
}

// server/observability/metrics.ts
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: "arcan_http_requests_total",
      help: "REST requests by route, method and status.",
      labelNames: ["route", "method", "status"],
      registers: [registry]
    }),
    httpDuration: new Histogram({
      name: "arcan_http_request_duration_seconds",
      help: "REST request latency by route and method.",
      labelNames: ["route", "method"],
      buckets: [5e-4, 1e-3, 25e-4, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry]
    }),
    tokenCache: new Counter({
      name: "arcan_token_cache_total",
      help: "Token cache lookups by result (hit or miss).",
      labelNames: ["result"],
      registers: [registry]
    }),
    decisions: new Counter({
      name: "arcan_decisions_total",
      help: "Policy guardian decisions by lane (allow, review, deny).",
      labelNames: ["lane"],
      registers: [registry]
    }),
    auditQueueDepth: new Gauge({
      name: "arcan_audit_queue_depth",
      help: "Audit records waiting to be committed.",
      registers: [registry]
    })
  };
}

// server/errors.ts
var ERROR_TABLE = {
  invalid_input: { status: 400, trpc: "BAD_REQUEST", title: "Invalid request" },
  unauthenticated: { status: 401, trpc: "UNAUTHORIZED", title: "Authentication required" },
  forbidden: { status: 403, trpc: "FORBIDDEN", title: "Permission denied" },
  not_found: { status: 404, trpc: "NOT_FOUND", title: "Not found" },
  method_not_allowed: { status: 405, trpc: "METHOD_NOT_SUPPORTED", title: "Method not allowed" },
  conflict: { status: 409, trpc: "CONFLICT", title: "Conflict" },
  payload_too_large: { status: 413, trpc: "PAYLOAD_TOO_LARGE", title: "Payload too large" },
  unsupported_media_type: { status: 415, trpc: "UNSUPPORTED_MEDIA_TYPE", title: "Unsupported media type" },
  rate_limited: { status: 429, trpc: "TOO_MANY_REQUESTS", title: "Too many requests" },
  unavailable: { status: 503, trpc: "SERVICE_UNAVAILABLE", title: "Service unavailable" },
  internal: { status: 500, trpc: "INTERNAL_SERVER_ERROR", title: "Internal error" }
};
var AppError = class extends Error {
  kind;
  /** Stable machine-readable code, e.g. "realm_not_found", "cas_mismatch". */
  code;
  issues;
  headers;
  constructor(kind, detail, opts = {}) {
    super(detail, opts.cause === void 0 ? void 0 : { cause: opts.cause });
    this.name = "AppError";
    this.kind = kind;
    this.code = opts.code ?? kind;
    this.issues = opts.issues;
    this.headers = opts.headers;
  }
  get status() {
    return ERROR_TABLE[this.kind].status;
  }
};
var errors = {
  invalid: (detail, issues, code = "invalid_input") => new AppError("invalid_input", detail, { code, ...issues ? { issues } : {} }),
  unauthenticated: (detail = "A valid API token is required.", code = "unauthenticated") => new AppError("unauthenticated", detail, { code }),
  forbidden: (detail, code = "forbidden") => new AppError("forbidden", detail, { code }),
  notFound: (what, code = "not_found") => new AppError("not_found", `${what} was not found.`, { code }),
  conflict: (detail, code = "conflict") => new AppError("conflict", detail, { code }),
  unavailable: (detail, cause) => new AppError("unavailable", detail, { code: "not_ready", cause })
};
function toAppError(err) {
  if (err instanceof AppError) return err;
  return new AppError("internal", "The server could not complete the request.", { code: "internal", cause: err });
}

// server/ids.ts
import { randomUUID } from "node:crypto";
function newId(prefix) {
  return `${prefix}_${randomUUID().replaceAll("-", "")}`;
}
function newRequestId() {
  return `req_${randomUUID().replaceAll("-", "")}`;
}

// server/rest/credentials.ts
function extractCredential(req, url, allowQueryParam) {
  const authorization = req.headers.authorization;
  if (authorization) {
    const m = /^(Bearer|Token)\s+(\S+)\s*$/i.exec(authorization);
    return m ? m[2] : null;
  }
  const apiKey = req.headers["x-api-key"];
  if (typeof apiKey === "string" && apiKey.length > 0) return apiKey.trim();
  if (allowQueryParam && url) return url.searchParams.get("p");
  return null;
}

// server/rest/http.ts
var MAX_BODY_BYTES = 1024 * 1024;
function hasBody(req) {
  return req.headers["transfer-encoding"] !== void 0 || req.headers["content-length"] !== void 0 && req.headers["content-length"] !== "0";
}
async function readJsonBody(req) {
  if (!hasBody(req)) return void 0;
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk);
  }
  if (size === 0) return void 0;
  if (type !== "application/json" && !type.endsWith("+json")) {
    throw new AppError("unsupported_media_type", "Send the request body as application/json.", { code: "unsupported_media_type" });
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new AppError("invalid_input", "The request body is not valid JSON.", { code: "malformed_json", issues: [{ field: "body", message: "not valid JSON" }] });
  }
}
function tooLarge() {
  return new AppError("payload_too_large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`, { code: "payload_too_large" });
}
function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
function sendProblem(res, err, requestId) {
  const { status, title } = ERROR_TABLE[err.kind];
  const body = {
    type: `https://getarcan.dev/problems/${err.code}`,
    title,
    status,
    detail: err.message,
    code: err.code,
    request_id: requestId,
    ...err.issues ? { errors: err.issues } : {}
  };
  for (const [k, v] of Object.entries(err.headers ?? {})) res.setHeader(k, v);
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/problem+json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}
function clientIp(req) {
  return req.socket.remoteAddress ?? "unknown";
}

// server/rest/router.ts
var Router = class {
  compiled;
  constructor(routes) {
    this.compiled = routes.map((route2) => {
      const keys = [];
      const pattern = route2.path.replace(/[.]/g, "\\.").replace(/:([a-z_]+)/g, (_, key) => {
        keys.push(key);
        return "([^/]+)";
      });
      return { method: route2.method, regex: new RegExp(`^${pattern}$`), keys, route: route2 };
    });
  }
  /** The matching route; 404 when no path matches, 405 when only the method differs. */
  match(method, path11) {
    let pathMatched = false;
    for (const c of this.compiled) {
      const m = c.regex.exec(path11);
      if (!m) continue;
      pathMatched = true;
      if (c.method !== method && !(method === "HEAD" && c.method === "GET")) continue;
      const params = {};
      c.keys.forEach((key, i) => {
        try {
          params[key] = decodeURIComponent(m[i + 1]);
        } catch {
          throw new AppError("invalid_input", `The path segment for "${key}" is not valid percent-encoding.`, { issues: [{ field: key, message: "bad encoding" }] });
        }
      });
      return { route: c.route, params };
    }
    if (pathMatched) throw new AppError("method_not_allowed", `${method} is not allowed on ${path11}.`, { code: "method_not_allowed" });
    throw new AppError("not_found", `No endpoint at ${path11}.`, { code: "route_not_found" });
  }
};

// server/rest/routes/index.ts
import { z as z12 } from "zod";

// server/rest/openapi.ts
import { z as z3 } from "zod";

// server/rest/route.ts
import { z as z2 } from "zod";
var empty = z2.strictObject({});
function route(spec) {
  return spec;
}
function publicRoute(spec) {
  return { ...spec, public: true };
}
var ZPageQuery = z2.strictObject({
  limit: z2.coerce.number().int().min(1).max(500).default(100),
  cursor: z2.string().min(1).max(200).optional()
});
var ZProblem = z2.object({
  type: z2.string(),
  title: z2.string(),
  status: z2.number().int(),
  detail: z2.string(),
  code: z2.string(),
  request_id: z2.string(),
  errors: z2.array(z2.object({ field: z2.string(), message: z2.string() })).optional()
}).meta({ id: "Problem", description: "RFC 9457 problem details; `code` is stable and machine-readable" });

// server/rest/openapi.ts
var PROBLEMS = {
  "400": { kind: "invalid_input", code: "validation_failed", detail: "Invalid body: name: Too small: expected string to have >=1 characters." },
  "401": { kind: "unauthenticated", code: "token_missing", detail: "Send an API token as 'Authorization: Bearer <token>', 'Authorization: Token <token>' or 'X-API-Key: <token>'." },
  "403": { kind: "forbidden", code: "missing_capability", detail: 'This request needs the capability "secrets:read" in realm "myapp".' },
  "404": { kind: "not_found", code: "realm_not_found", detail: 'Realm "myapp" was not found.' },
  "409": { kind: "conflict", code: "conflict", detail: "Check-and-set failed: the current version is 3, not 2." },
  "413": { kind: "payload_too_large", code: "payload_too_large", detail: "The request body is too large." },
  "415": { kind: "unsupported_media_type", code: "unsupported_media_type", detail: "Send the body as application/json." },
  "429": { kind: "rate_limited", code: "rate_limited", detail: "Rate limit of 100 requests per second exceeded." },
  "503": { kind: "unavailable", code: "not_ready", detail: "The store is not reachable." }
};
var TAG_DESCRIPTIONS = {
  system: "Health, readiness, metrics and public keys (no token needed).",
  tokens: "API tokens: create (the value is shown once), list, rotate, revoke; verify a token.",
  realms: "Realms are the tenants that own secrets, engines and leases.",
  rbac: "Roles (named sets of capabilities) and bindings of subjects to roles in realms.",
  secrets: "The KV secrets engine: versioned values with check-and-set.",
  audit: "The tamper-evident audit trail: search and chain verification.",
  webhooks: "Signed event delivery to your endpoints: subscriptions, delivery log, dead letters, redelivery."
};
var HEADERS = {
  "X-RateLimit-Limit": { description: "Requests allowed per second", schema: { type: "integer" } },
  "X-RateLimit-Remaining": { description: "Requests left in the current second", schema: { type: "integer" } },
  "X-RateLimit-Reset": { description: "When the window resets (Unix seconds)", schema: { type: "integer" } },
  "X-Request-Id": { description: "The request id (the client's X-Request-Id if valid, otherwise req_\u2026)", schema: { type: "string" } },
  "Retry-After": { description: "Seconds to wait before retrying", schema: { type: "integer" } },
  "WWW-Authenticate": { description: 'Bearer realm="arcan"', schema: { type: "string" } }
};
var SUCCESS_HEADERS = Object.fromEntries(
  ["X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"].map((h) => [h, { $ref: `#/components/headers/${h}` }])
);
function buildOpenApi(routes) {
  const components = {};
  const toSchema = (schema, io) => {
    const json = z3.toJSONSchema(schema, { io, unrepresentable: "any", reused: "inline", target: "draft-2020-12" });
    delete json.$schema;
    return hoistDefs(json, components);
  };
  const paths = {};
  const tags = [];
  for (const r of routes) {
    if (!tags.includes(r.tag)) tags.push(r.tag);
    const openApiPath = r.path.replace(/:([a-z_]+)/g, "{$1}");
    const parameters = [...objectParams(r.params, "path", toSchema), ...objectParams(r.query, "query", toSchema)];
    paths[openApiPath] ??= {};
    paths[openApiPath][r.method.toLowerCase()] = {
      operationId: r.operationId,
      summary: r.summary,
      description: describeRoute(r),
      tags: [r.tag],
      ...r.public ? { security: [] } : { "x-arcan-capability": r.capability },
      ...parameters.length ? { parameters } : {},
      ...r.body ? { requestBody: { required: !r.body.safeParse(void 0).success, content: { "application/json": { schema: toSchema(r.body, "input") } } } } : {},
      responses: responsesFor(r, toSchema)
    };
  }
  toSchema(ZProblem, "output");
  return {
    openapi: "3.1.0",
    info: {
      title: "Arcan API",
      version: "1.0.0",
      summary: "Secrets and access control for services and AI agents.",
      description: "The Arcan REST surface. HTTPS only. Authenticate with an API token in `Authorization: Bearer <token>`, `Authorization: Token <token>` or `X-API-Key: <token>`. Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code` and the `request_id`."
    },
    servers: [{ url: "/", description: "The Arcan server that serves this document" }],
    security: [{ bearer: [] }, { token: [] }, { apiKey: [] }],
    tags: tags.map((name) => ({ name, ...TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {} })),
    paths,
    components: {
      schemas: components,
      responses: Object.fromEntries(Object.keys(PROBLEMS).map((code) => [problemName(code), problemResponse(code)])),
      headers: HEADERS,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "arc_\u2026", description: "Authorization: Bearer arc_\u2026" },
        token: { type: "apiKey", in: "header", name: "Authorization", description: "Authorization: Token arc_\u2026 (InfluxDB 2.x style)" },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "X-API-Key: arc_\u2026" }
      }
    }
  };
}
function describeRoute(r) {
  const access = r.public ? "Public: no token needed." : `Requires the capability \`${r.capability}\`.`;
  return r.description ? `${r.description}

${access}` : access;
}
function responsesFor(r, toSchema) {
  const status = String(r.status ?? 200);
  const responses = {
    [status]: r.response === null ? { description: status === "204" ? "No content" : "Success", headers: SUCCESS_HEADERS } : { description: "Success", headers: SUCCESS_HEADERS, content: { "application/json": { schema: toSchema(r.response, "output") } } }
  };
  for (const [code, doc] of Object.entries(r.responses ?? {})) {
    responses[code] = {
      description: doc.description,
      ...doc.schema ? { content: { [doc.contentType ?? "application/json"]: { schema: toSchema(doc.schema, "output") } } } : {}
    };
  }
  for (const code of problemStatuses(r)) responses[code] ??= { $ref: `#/components/responses/${problemName(code)}` };
  return responses;
}
function problemStatuses(r) {
  if (r.public) return [...r.params || r.query ? ["400"] : [], "429"];
  const writes = r.method !== "GET";
  return ["400", "401", "403", "404", ...writes ? ["409"] : [], "413", ...r.body ? ["415"] : [], "429", "503"];
}
function problemName(code) {
  return `Problem${code}`;
}
function problemResponse(code) {
  const p = PROBLEMS[code];
  const { title, status } = ERROR_TABLE[p.kind];
  const example = {
    type: `https://getarcan.dev/problems/${p.code}`,
    title,
    status,
    detail: p.detail,
    code: p.code,
    request_id: "req_4f1c2a9be0d34c7e9a51c0f2d6b8e713",
    ...code === "400" ? { errors: [{ field: "name", message: "Too small: expected string to have >=1 characters" }] } : {}
  };
  const header = code === "429" ? "Retry-After" : code === "401" ? "WWW-Authenticate" : null;
  const headers = { "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" }, ...header ? { [header]: { $ref: `#/components/headers/${header}` } } : {} };
  return {
    description: title,
    headers,
    content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" }, example } }
  };
}
function hoistDefs(json, components) {
  const defs = json.$defs ?? {};
  delete json.$defs;
  for (const [name, def] of Object.entries(defs)) components[name] ??= rewriteRefs(def);
  return rewriteRefs(json);
}
function rewriteRefs(value) {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/$defs/")) out[k] = v.replace("#/$defs/", "#/components/schemas/");
      else out[k] = rewriteRefs(v);
    }
    return out;
  }
  return value;
}
function objectParams(schema, where, toSchema) {
  if (!schema) return [];
  const json = toSchema(schema, "input");
  const properties = json.properties ?? {};
  const required = new Set(json.required ?? []);
  return Object.entries(properties).map(([name, s]) => {
    const { description, examples, ...rest } = s;
    return {
      name,
      in: where,
      required: where === "path" || required.has(name),
      schema: rest,
      ...typeof description === "string" ? { description } : {},
      ...Array.isArray(examples) && examples.length ? { example: examples[0] } : {}
    };
  });
}

// server/rest/routes/audit.ts
import { z as z4 } from "zod";

// server/rbac/principal.ts
var ALL_REALMS = "*";
function holds(principal, capability, realm) {
  if (principal.isAdmin) return true;
  for (const grant of principal.grants) {
    const covers = grant.realm === ALL_REALMS || realm !== null && grant.realm === realm;
    if (covers && (grant.capabilities.has(capability) || grant.capabilities.has("admin"))) return true;
  }
  return false;
}
function canSee(principal, realm) {
  if (principal.isAdmin) return true;
  return principal.grants.some((g) => (g.realm === ALL_REALMS || g.realm === realm) && g.capabilities.size > 0);
}

// server/audit/chain.ts
import { createHash } from "node:crypto";
var GENESIS_HASH = "0".repeat(64);
function chainHash(prevHash, r) {
  const canonical = JSON.stringify([
    r.id,
    r.time.toISOString(),
    r.requestId,
    r.actor,
    r.action,
    r.realm,
    r.resource,
    r.outcome,
    r.status,
    r.capability,
    r.reason,
    r.ip,
    r.details
  ]);
  return createHash("sha256").update(prevHash).update("\n").update(canonical).digest("hex");
}

// server/audit/writer.ts
var MAX_BATCH = 500;
var PG_CHAIN_LOCK = 7242001;
var AuditWriter = class {
  constructor(store, logger, onDepth = () => {
  }) {
    this.store = store;
    this.logger = logger;
    this.onDepth = onDepth;
  }
  store;
  logger;
  onDepth;
  queue = [];
  flushing = null;
  scheduled = false;
  get depth() {
    return this.queue.length;
  }
  append(entry) {
    const fields = {
      id: newId("aud"),
      time: /* @__PURE__ */ new Date(),
      requestId: entry.requestId,
      actor: entry.actor,
      action: entry.action,
      realm: entry.realm ?? null,
      resource: entry.resource ?? null,
      outcome: entry.outcome,
      status: entry.status,
      capability: entry.capability ?? null,
      reason: entry.reason ?? null,
      ip: entry.ip ?? null,
      details: JSON.stringify(entry.details ?? {})
    };
    return new Promise((resolve, reject) => {
      this.queue.push({ fields, resolve, reject });
      this.onDepth(this.queue.length);
      this.schedule();
    });
  }
  /** Waits until everything appended so far is committed (used at shutdown). */
  async drain() {
    while (this.queue.length > 0 || this.flushing) {
      if (this.flushing) await this.flushing.catch(() => {
      });
      else await this.flushOnce();
    }
  }
  schedule() {
    if (this.scheduled || this.flushing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.flushOnce();
    });
  }
  async flushOnce() {
    if (this.flushing || this.queue.length === 0) return;
    const batch = this.queue.splice(0, MAX_BATCH);
    this.onDepth(this.queue.length);
    this.flushing = this.write(batch);
    try {
      await this.flushing;
      for (const p of batch) p.resolve();
    } catch (err) {
      this.logger.error({ err: err.message, records: batch.length }, "audit write failed");
      const failure = new AppError("unavailable", "The audit log could not record this request, so it was not completed.", {
        code: "audit_unavailable"
      });
      for (const p of batch) p.reject(failure);
    } finally {
      this.flushing = null;
      if (this.queue.length > 0) this.schedule();
    }
  }
  async write(batch) {
    const { fast, db, provider } = this.store;
    const fields = batch.map((p) => p.fields);
    if (fast) return fast.appendAudit(fields);
    await db.$transaction(async (tx) => {
      if (provider === "postgresql") await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${PG_CHAIN_LOCK})`);
      const last = await tx.auditRecord.findFirst({ orderBy: { seq: "desc" }, select: { hash: true } });
      let prev = last?.hash ?? GENESIS_HASH;
      const rows = fields.map((f) => {
        const hash2 = chainHash(prev, f);
        const row = { ...f, prevHash: prev, hash: hash2 };
        prev = hash2;
        return row;
      });
      await tx.auditRecord.createMany({ data: rows });
    });
  }
};
function auditSuccess(writer, actor, action, fields = {}) {
  return writer.append({ requestId: actor.requestId, actor: actor.principal.subject, action, outcome: "success", status: 200, ip: actor.ip, ...fields });
}

// server/audit/service.ts
function view(r) {
  return {
    id: r.id,
    seq: r.seq,
    time: r.time.toISOString(),
    request_id: r.requestId,
    actor: r.actor,
    action: r.action,
    realm: r.realm,
    resource: r.resource,
    outcome: r.outcome,
    status: r.status,
    capability: r.capability,
    reason: r.reason,
    ip: r.ip,
    details: JSON.parse(r.details),
    prev_hash: r.prevHash,
    hash: r.hash
  };
}
var VERIFY_PAGE = 2e3;
var AuditService = class {
  constructor(db, access, audit) {
    this.db = db;
    this.access = access;
    this.audit = audit;
  }
  db;
  access;
  audit;
  async search(actor, q) {
    const everywhere = holds(actor.principal, "audit:read", null);
    if (q.realm) await this.access.requireRealm(actor, "audit:read", q.realm, "audit.search");
    else if (everywhere || !this.access.holdsAnywhere(actor, "audit:read")) await this.access.require(actor, "audit:read", "audit.search");
    const readable = everywhere || q.realm ? null : actor.principal.grants.filter((g) => holds(actor.principal, "audit:read", g.realm)).map((g) => g.realm);
    const rows = await this.db.auditRecord.findMany({
      where: {
        ...q.realm ? { realm: q.realm } : readable ? { realm: { in: readable } } : {},
        ...q.actor ? { actor: q.actor } : {},
        ...q.action ? { action: q.action.endsWith("*") ? { startsWith: q.action.slice(0, -1) } : q.action } : {},
        ...q.outcome ? { outcome: q.outcome } : {},
        ...q.requestId ? { requestId: q.requestId } : {},
        ...q.from || q.to ? { time: { ...q.from ? { gte: q.from } : {}, ...q.to ? { lte: q.to } : {} } } : {},
        ...q.cursor !== void 0 ? { seq: { lt: q.cursor } } : {}
      },
      orderBy: { seq: "desc" },
      take: q.limit + 1
    });
    const page = rows.slice(0, q.limit);
    await auditSuccess(this.audit, actor, "audit.search", { realm: q.realm ?? null, details: { count: page.length } });
    return { items: page.map(view), next_cursor: rows.length > q.limit ? String(page[page.length - 1].seq) : null };
  }
  /** Recomputes the whole chain in order; reports the first record whose links do not hold. */
  async verify(actor) {
    await this.access.require(actor, "audit:read", "audit.verify");
    await this.audit.drain();
    let prev = GENESIS_HASH;
    let checked = 0;
    let after = 0;
    for (; ; ) {
      const rows = await this.db.auditRecord.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: VERIFY_PAGE });
      for (const r of rows) {
        const broken = r.prevHash !== prev ? "prev_hash does not match the previous record" : chainHash(prev, r) !== r.hash ? "hash does not match the record's contents" : null;
        if (broken) {
          const report = { valid: false, checked, first_broken: { seq: r.seq, id: r.id, reason: broken }, head_hash: prev };
          await auditSuccess(this.audit, actor, "audit.verify", { details: { valid: false, first_broken_seq: r.seq } });
          return report;
        }
        prev = r.hash;
        checked++;
      }
      if (rows.length < VERIFY_PAGE) break;
      after = rows[rows.length - 1].seq;
    }
    await auditSuccess(this.audit, actor, "audit.verify", { details: { valid: true, checked } });
    return { valid: true, checked, first_broken: null, head_hash: prev };
  }
};
function parseAuditCursor(cursor) {
  if (cursor === void 0) return void 0;
  const n = Number(cursor);
  if (!Number.isInteger(n) || n < 1) throw new AppError("invalid_input", "cursor is not a value this API returned.", { issues: [{ field: "cursor", message: "invalid" }] });
  return n;
}

// server/rest/routes/audit.ts
var ZAuditRecord = z4.object({
  id: z4.string(),
  seq: z4.number().int(),
  time: z4.string(),
  request_id: z4.string(),
  actor: z4.string(),
  action: z4.string(),
  realm: z4.string().nullable(),
  resource: z4.string().nullable(),
  outcome: z4.string(),
  status: z4.number().int(),
  capability: z4.string().nullable(),
  reason: z4.string().nullable(),
  ip: z4.string().nullable(),
  details: z4.record(z4.string(), z4.unknown()),
  prev_hash: z4.string(),
  hash: z4.string().describe("SHA-256 over this record and prev_hash (the tamper-evident chain)")
}).meta({
  id: "AuditRecord",
  examples: [
    {
      id: "aud_1c2d3e4f5a6b47c8d9e0f1a2b3c4d5e6",
      seq: 42,
      time: "2026-11-22T10:00:00.000Z",
      request_id: "req_4f1c2a9be0d34c7e9a51c0f2d6b8e713",
      actor: "token:tok_9b2f4c1e7a5d4e0f8c3b6a1d2e4f5a6b",
      action: "secret.read",
      realm: "myapp",
      resource: "DATABASE_URL",
      outcome: "success",
      status: 200,
      capability: "secrets:read",
      reason: null,
      ip: "10.0.0.7",
      details: {},
      prev_hash: "9f2c\u2026",
      hash: "4ab1\u2026"
    }
  ]
});
var ZTime = z4.iso.datetime({ offset: true }).transform((s) => new Date(s));
var auditRoutes = [
  route({
    method: "GET",
    path: "/api/v1/audit",
    operationId: "searchAudit",
    summary: "Search the audit log, newest first",
    tag: "audit",
    capability: "audit:read",
    query: z4.strictObject({
      realm: z4.string().max(63).optional(),
      actor: z4.string().max(200).optional(),
      action: z4.string().max(100).optional(),
      outcome: z4.enum(["success", "denied", "failure"]).optional(),
      request_id: z4.string().max(128).optional(),
      from: ZTime.optional(),
      to: ZTime.optional(),
      limit: z4.coerce.number().int().min(1).max(500).default(100),
      cursor: z4.string().max(20).optional()
    }),
    response: z4.object({ items: z4.array(ZAuditRecord), next_cursor: z4.string().nullable().describe("Pass as cursor for the next page; null on the last") }).meta({ id: "AuditPage" }),
    handle: ({ actor, query: query2, services }) => {
      const cursor = parseAuditCursor(query2.cursor);
      return services.audit.search(actor, {
        limit: query2.limit,
        ...cursor !== void 0 ? { cursor } : {},
        ...query2.realm ? { realm: query2.realm } : {},
        ...query2.actor ? { actor: query2.actor } : {},
        ...query2.action ? { action: query2.action } : {},
        ...query2.outcome ? { outcome: query2.outcome } : {},
        ...query2.request_id ? { requestId: query2.request_id } : {},
        ...query2.from ? { from: query2.from } : {},
        ...query2.to ? { to: query2.to } : {}
      });
    }
  }),
  route({
    method: "GET",
    path: "/api/v1/audit/verify",
    operationId: "verifyAuditChain",
    summary: "Check the hash chain; name the first broken record",
    tag: "audit",
    capability: "audit:read",
    response: z4.object({
      valid: z4.boolean(),
      checked: z4.number().int().describe("Records checked"),
      first_broken: z4.object({ seq: z4.number().int(), id: z4.string(), reason: z4.string() }).nullable().describe("The first record whose hash does not match; null when the chain is intact"),
      head_hash: z4.string()
    }).meta({ id: "AuditVerification", examples: [{ valid: true, checked: 1024, first_broken: null, head_hash: "4ab1\u2026" }] }),
    handle: ({ actor, services }) => services.audit.verify(actor)
  })
];

// server/rest/routes/rbac.ts
import { z as z7 } from "zod";

// server/rbac/capabilities.ts
import { z as z5 } from "zod";
var CAPABILITIES = [
  "secrets:read",
  "secrets:write",
  "secrets:delete",
  "leases:create",
  "leases:read",
  "leases:revoke",
  "tokens:create",
  "tokens:read",
  "tokens:revoke",
  "realms:read",
  "realms:write",
  "roles:read",
  "roles:write",
  "audit:read",
  "engines:read",
  "engines:manage",
  "plugins:read",
  "plugins:manage",
  "webhooks:read",
  "webhooks:manage",
  "policies:read",
  "policies:write",
  "decisions:evaluate",
  "reviews:decide",
  "admin"
];
var ZCapability = z5.enum(CAPABILITIES);
function isCapability(value) {
  return CAPABILITIES.includes(value);
}
var BUILTIN_ROLES = [
  { name: "admin", description: "Everything, in every realm it is bound to.", capabilities: ["admin"] },
  {
    name: "read-only",
    description: "Reads metadata and secrets; changes nothing.",
    capabilities: ["secrets:read", "leases:read", "tokens:read", "realms:read", "roles:read", "audit:read", "engines:read", "plugins:read", "webhooks:read", "policies:read"]
  },
  { name: "secrets-reader", description: "Reads secrets.", capabilities: ["realms:read", "secrets:read"] },
  { name: "secrets-writer", description: "Reads, writes and deletes secrets.", capabilities: ["realms:read", "secrets:read", "secrets:write", "secrets:delete"] },
  { name: "auditor", description: "Searches the audit log and verifies its chain.", capabilities: ["realms:read", "audit:read", "roles:read", "tokens:read"] },
  { name: "token-manager", description: "Creates, lists and revokes tokens within its own rights.", capabilities: ["tokens:create", "tokens:read", "tokens:revoke"] }
];

// server/rbac/grants.ts
function parseCapabilities(json) {
  const list = JSON.parse(json);
  return Array.isArray(list) ? list.filter((c) => typeof c === "string" && isCapability(c)) : [];
}
async function bindingGrants(db, subject) {
  const rows = await db.binding.findMany({
    where: { subject },
    select: { role: { select: { capabilities: true } }, realm: { select: { name: true } } }
  });
  return rows.map((b) => ({ realm: b.realm?.name ?? ALL_REALMS, capabilities: new Set(parseCapabilities(b.role.capabilities)) }));
}

// server/rbac/roles-service.ts
var ROLE_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
var SUBJECT = /^(user:[A-Za-z0-9_.@-]{1,64}|token:tok_[0-9a-f]{32})$/;
function roleView(r) {
  return {
    name: r.name,
    description: r.description,
    capabilities: parseCapabilities(r.capabilities),
    builtin: r.builtin,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString()
  };
}
var RoleService = class {
  constructor(db, access, audit, tokenCache, outbox) {
    this.db = db;
    this.access = access;
    this.audit = audit;
    this.tokenCache = tokenCache;
    this.outbox = outbox;
  }
  db;
  access;
  audit;
  tokenCache;
  outbox;
  /** Adds the built-in roles a fresh store starts with (idempotent). */
  async ensureBuiltins() {
    for (const role of BUILTIN_ROLES) {
      await this.db.role.upsert({
        where: { name: role.name },
        create: { id: newId("rol"), name: role.name, description: role.description, capabilities: JSON.stringify(role.capabilities), builtin: true },
        update: { description: role.description, capabilities: JSON.stringify(role.capabilities), builtin: true }
      });
    }
  }
  async list(actor) {
    await this.requireRead(actor, "role.list");
    const rows = await this.db.role.findMany({ orderBy: { name: "asc" } });
    await auditSuccess(this.audit, actor, "role.list");
    return rows.map(roleView);
  }
  async get(actor, name) {
    await this.requireRead(actor, "role.read");
    const row = await this.db.role.findUnique({ where: { name } });
    if (!row) throw errors.notFound(`Role "${name}"`, "role_not_found");
    await auditSuccess(this.audit, actor, "role.read", { resource: `role:${name}` });
    return roleView(row);
  }
  async create(actor, input) {
    await this.access.require(actor, "roles:write", "role.create");
    this.requireHoldsAll(actor, input.capabilities, ALL_REALMS);
    if (await this.db.role.findUnique({ where: { name: input.name } })) throw errors.conflict(`A role named "${input.name}" already exists.`, "role_exists");
    const row = await this.outbox.transaction(actor, async (tx, emit) => {
      const created = await tx.role.create({
        data: { id: newId("rol"), name: input.name, description: input.description ?? "", capabilities: JSON.stringify([...new Set(input.capabilities)]) }
      });
      emit("policy.role_created", { data: { role: created.name, capabilities: parseCapabilities(created.capabilities) } });
      return created;
    });
    await auditSuccess(this.audit, actor, "role.create", { resource: `role:${row.name}`, details: { capabilities: input.capabilities } });
    return roleView(row);
  }
  async update(actor, name, patch) {
    await this.access.require(actor, "roles:write", "role.update");
    const existing = await this.mutableRole(name);
    if (patch.capabilities) this.requireHoldsAll(actor, patch.capabilities, ALL_REALMS);
    const row = await this.outbox.transaction(actor, async (tx, emit) => {
      const updated = await tx.role.update({
        where: { id: existing.id },
        data: {
          ...patch.description !== void 0 ? { description: patch.description } : {},
          ...patch.capabilities ? { capabilities: JSON.stringify([...new Set(patch.capabilities)]) } : {}
        }
      });
      emit("policy.role_updated", { data: { role: name, capabilities: parseCapabilities(updated.capabilities), fields: Object.keys(patch) } });
      return updated;
    });
    this.tokenCache.clear();
    await auditSuccess(this.audit, actor, "role.update", { resource: `role:${name}`, details: { fields: Object.keys(patch) } });
    return roleView(row);
  }
  async delete(actor, name) {
    await this.access.require(actor, "roles:write", "role.delete");
    const existing = await this.mutableRole(name);
    await this.outbox.transaction(actor, async (tx, emit) => {
      await tx.role.delete({ where: { id: existing.id } });
      emit("policy.role_deleted", { data: { role: name } });
    });
    this.tokenCache.clear();
    await auditSuccess(this.audit, actor, "role.delete", { resource: `role:${name}` });
  }
  async listBindings(actor) {
    await this.requireRead(actor, "binding.list");
    const rows = await this.db.binding.findMany({ include: { role: true, realm: true }, orderBy: { createdAt: "asc" } });
    const visible = rows.filter((b) => holds(actor.principal, "roles:read", b.realm?.name ?? null));
    await auditSuccess(this.audit, actor, "binding.list", { details: { count: visible.length } });
    return visible.map((b) => ({ id: b.id, subject: b.subject, role: b.role.name, realm: b.realm?.name ?? ALL_REALMS, created_at: b.createdAt.toISOString() }));
  }
  /** Binds a role; the caller must hold roles:write there and every capability the role grants. */
  async bind(actor, input) {
    const realm = input.realm === ALL_REALMS ? null : await this.access.requireRealm(actor, "roles:write", input.realm, "binding.create");
    if (!realm) await this.access.require(actor, "roles:write", "binding.create");
    const role = await this.db.role.findUnique({ where: { name: input.role } });
    if (!role) throw errors.invalid(`Role "${input.role}" does not exist.`, [{ field: "role", message: "unknown role" }]);
    this.requireHoldsAll(actor, parseCapabilities(role.capabilities), input.realm);
    await this.requireSubjectExists(input.subject);
    const duplicate = await this.db.binding.findFirst({ where: { subject: input.subject, roleId: role.id, realmId: realm?.id ?? null } });
    if (duplicate) throw errors.conflict("That binding already exists.", "binding_exists");
    const row = await this.outbox.transaction(actor, async (tx, emit) => {
      const created = await tx.binding.create({ data: { id: newId("bnd"), subject: input.subject, roleId: role.id, realmId: realm?.id ?? null } });
      emit("policy.binding_created", {
        realm: realm?.name ?? null,
        data: { binding_id: created.id, subject: input.subject, role: input.role, realm: input.realm }
      });
      return created;
    });
    this.tokenCache.clear();
    await auditSuccess(this.audit, actor, "binding.create", { resource: `binding:${row.id}`, details: { subject: input.subject, role: input.role, realm: input.realm } });
    return { id: row.id, subject: row.subject, role: role.name, realm: input.realm, created_at: row.createdAt.toISOString() };
  }
  async unbind(actor, id) {
    const row = await this.db.binding.findUnique({ where: { id }, include: { realm: true } });
    if (row?.realm) await this.access.requireRealm(actor, "roles:write", row.realm.name, "binding.delete");
    else await this.access.require(actor, "roles:write", "binding.delete");
    if (!row) throw errors.notFound(`Binding "${id}"`, "binding_not_found");
    await this.outbox.transaction(actor, async (tx, emit) => {
      const deleted = await tx.binding.delete({ where: { id }, include: { role: true } });
      emit("policy.binding_deleted", {
        realm: row.realm?.name ?? null,
        data: { binding_id: id, subject: deleted.subject, role: deleted.role.name, realm: row.realm?.name ?? ALL_REALMS }
      });
    });
    this.tokenCache.clear();
    await auditSuccess(this.audit, actor, "binding.delete", { resource: `binding:${id}` });
  }
  async requireRead(actor, action) {
    if (!this.access.holdsAnywhere(actor, "roles:read")) await this.access.require(actor, "roles:read", action);
  }
  requireHoldsAll(actor, capabilities, realm) {
    for (const c of capabilities) {
      if (!holds(actor.principal, c, realm === ALL_REALMS ? null : realm)) {
        throw errors.forbidden(`You cannot grant "${c}"${realm === ALL_REALMS ? "" : ` in realm "${realm}"`}: you do not hold it there.`, "exceeds_issuer");
      }
    }
  }
  async mutableRole(name) {
    const row = await this.db.role.findUnique({ where: { name } });
    if (!row) throw errors.notFound(`Role "${name}"`, "role_not_found");
    if (row.builtin) throw errors.conflict(`"${name}" is a built-in role and cannot be changed.`, "role_builtin");
    return row;
  }
  async requireSubjectExists(subject) {
    const [kind, id] = subject.split(":", 2);
    const exists = kind === "token" ? await this.db.token.findUnique({ where: { id }, select: { id: true } }) : await this.db.user.findUnique({ where: { name: id }, select: { id: true } });
    if (!exists) throw errors.invalid(`Subject "${subject}" does not exist.`, [{ field: "subject", message: "unknown subject" }]);
  }
};

// server/rest/routes/tokens.ts
import { z as z6 } from "zod";
var ZTokenId = z6.strictObject({ id: z6.string().regex(/^tok_[0-9a-f]{32}$/, "not a token id").meta({ examples: ["tok_9b2f4c1e7a5d4e0f8c3b6a1d2e4f5a6b"] }) });
var ZRealmRef = z6.string().regex(/^(\*|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$/, 'a realm name or "*"');
var ZCapabilityName = ZCapability.meta({ id: "Capability", description: "A permission a token or role grants" });
var TOKEN_EXAMPLE = {
  id: "tok_9b2f4c1e7a5d4e0f8c3b6a1d2e4f5a6b",
  name: "ci-pipeline",
  description: "",
  prefix: "arc_4Hq2",
  is_admin: false,
  capabilities: ["secrets:read", "leases:create"],
  realms: ["myapp"],
  rate_limit: null,
  status: "active",
  expires_at: "2027-02-20T10:00:00.000Z",
  revoked_at: null,
  last_used_at: null,
  created_at: "2026-11-22T10:00:00.000Z",
  created_by: "token:tok_0a1b2c3d4e5f60718293a4b5c6d7e8f9"
};
var ZName = z6.string().trim().min(1).max(100);
var ZToken = z6.object({
  id: z6.string(),
  name: z6.string(),
  description: z6.string(),
  prefix: z6.string().describe("First characters of the value, for recognition only"),
  is_admin: z6.boolean(),
  capabilities: z6.array(ZCapabilityName),
  realms: z6.array(z6.string()).describe('Realms the capabilities apply in ("*" = every realm)'),
  rate_limit: z6.number().int().nullable(),
  status: z6.enum(["active", "expired", "revoked"]),
  expires_at: z6.string().nullable().describe("ISO 8601; null = never expires"),
  revoked_at: z6.string().nullable(),
  last_used_at: z6.string().nullable(),
  created_at: z6.string(),
  created_by: z6.string().describe('The issuer: "token:<id>" or "user:<name>"')
}).meta({ id: "Token", description: "An API token (never its value or hash)", examples: [TOKEN_EXAMPLE] });
var ZTokenWithValue = ZToken.extend({ token: z6.string().describe("The token value; shown only in this response") }).meta({
  id: "TokenWithValue",
  description: "A token with its value, returned once by create and rotate",
  examples: [{ ...TOKEN_EXAMPLE, token: "arc_4Hq2ZkP9mW3xV7bN1cR5tY8uJ0aLdE6fGs2" }]
});
var ZCreateToken = z6.strictObject({
  name: ZName,
  description: z6.string().max(1e3).optional(),
  ttl: z6.union([z6.string().max(20), z6.number().int().positive()]).optional().describe('"90d", "12h", "30m", "45s" or seconds'),
  capabilities: z6.array(ZCapabilityName).max(64).optional().describe("Default: the issuer's capabilities; never more than the issuer holds"),
  realms: z6.array(ZRealmRef).min(1).max(100).optional().describe('Default: ["*"]'),
  is_admin: z6.boolean().optional(),
  rate_limit: z6.number().int().min(1).max(1e6).nullable().optional().describe("Requests per second; null = the server default")
}).meta({
  id: "CreateTokenRequest",
  examples: [{ name: "ci-pipeline", ttl: "90d", capabilities: ["secrets:read", "leases:create"], realms: ["myapp"] }]
});
var tokenRoutes = [
  route({
    method: "POST",
    path: "/api/v1/auth/tokens",
    operationId: "createToken",
    summary: "Create a token (its value is shown once)",
    tag: "tokens",
    capability: "tokens:create",
    body: ZCreateToken,
    status: 201,
    response: ZTokenWithValue,
    handle: ({ actor, body, services }) => services.tokens.create(actor, {
      name: body.name,
      ...body.description !== void 0 ? { description: body.description } : {},
      ...body.ttl !== void 0 ? { ttl: body.ttl } : {},
      ...body.capabilities ? { capabilities: body.capabilities } : {},
      ...body.realms ? { realms: body.realms } : {},
      ...body.is_admin !== void 0 ? { isAdmin: body.is_admin } : {},
      ...body.rate_limit !== void 0 ? { rateLimit: body.rate_limit } : {}
    })
  }),
  route({
    method: "GET",
    path: "/api/v1/auth/tokens",
    operationId: "listTokens",
    summary: "List tokens (never their values or hashes)",
    tag: "tokens",
    capability: "tokens:read",
    query: ZPageQuery,
    response: z6.object({ items: z6.array(ZToken), next_cursor: z6.string().nullable().describe("Pass as cursor for the next page; null on the last") }).meta({ id: "TokenList" }),
    handle: ({ actor, query: query2, services }) => services.tokens.list(actor, { limit: query2.limit, ...query2.cursor ? { cursor: query2.cursor } : {} })
  }),
  route({
    method: "POST",
    path: "/api/v1/auth/tokens/revoke-all",
    operationId: "revokeAllTokens",
    summary: "Revoke every token (the caller's own survives unless include_self)",
    tag: "tokens",
    capability: "admin",
    body: z6.strictObject({ include_self: z6.boolean().optional() }).optional(),
    response: z6.object({ revoked: z6.number().int().describe("How many tokens were revoked") }).meta({ id: "RevokeAllResult", examples: [{ revoked: 12 }] }),
    handle: ({ actor, body, services }) => services.tokens.revokeAll(actor, body?.include_self ?? false)
  }),
  route({
    method: "GET",
    path: "/api/v1/auth/tokens/:id",
    operationId: "getToken",
    summary: "Token details",
    tag: "tokens",
    capability: "tokens:read",
    params: ZTokenId,
    response: ZToken,
    handle: ({ actor, params, services }) => services.tokens.get(actor, params.id)
  }),
  route({
    method: "PATCH",
    path: "/api/v1/auth/tokens/:id",
    operationId: "updateToken",
    summary: "Update a token's name, description or rate limit",
    tag: "tokens",
    capability: "tokens:create",
    params: ZTokenId,
    body: z6.strictObject({ name: ZName.optional(), description: z6.string().max(1e3).optional(), rate_limit: z6.number().int().min(1).max(1e6).nullable().optional() }),
    response: ZToken,
    handle: ({ actor, params, body, services }) => services.tokens.update(actor, params.id, {
      ...body.name !== void 0 ? { name: body.name } : {},
      ...body.description !== void 0 ? { description: body.description } : {},
      ...body.rate_limit !== void 0 ? { rateLimit: body.rate_limit } : {}
    })
  }),
  route({
    method: "DELETE",
    path: "/api/v1/auth/tokens/:id",
    operationId: "deleteToken",
    summary: "Delete a token",
    tag: "tokens",
    capability: "tokens:revoke",
    params: ZTokenId,
    status: 204,
    response: null,
    handle: ({ actor, params, services }) => services.tokens.delete(actor, params.id)
  }),
  route({
    method: "POST",
    path: "/api/v1/auth/tokens/:id/rotate",
    operationId: "rotateToken",
    summary: "New value, same id and permissions",
    tag: "tokens",
    capability: "tokens:create",
    params: ZTokenId,
    response: ZTokenWithValue,
    handle: ({ actor, params, services }) => services.tokens.rotate(actor, params.id)
  }),
  route({
    method: "POST",
    path: "/api/v1/auth/tokens/:id/revoke",
    operationId: "revokeToken",
    summary: "Revoke a token now",
    tag: "tokens",
    capability: "tokens:revoke",
    params: ZTokenId,
    response: ZToken,
    handle: ({ actor, params, services }) => services.tokens.revoke(actor, params.id)
  }),
  publicRoute({
    method: "GET",
    path: "/api/v1/auth/verify",
    operationId: "verifyToken",
    summary: "Check a token (public)",
    tag: "tokens",
    response: z6.object({
      valid: z6.boolean(),
      token_info: z6.object({ id: z6.string(), name: z6.string(), is_admin: z6.boolean(), expires_at: z6.string().nullable() }).optional(),
      permissions: z6.array(z6.object({ realm: z6.string(), capabilities: z6.array(z6.string()) })).optional()
    }).meta({
      id: "TokenVerification",
      examples: [
        {
          valid: true,
          token_info: { id: TOKEN_EXAMPLE.id, name: "ci-pipeline", is_admin: false, expires_at: TOKEN_EXAMPLE.expires_at },
          permissions: [{ realm: "myapp", capabilities: ["secrets:read", "leases:create"] }]
        }
      ]
    }),
    responses: { "401": { description: "No token, or an invalid, expired or revoked one", schema: z6.object({ valid: z6.literal(false) }) } },
    handle: async ({ credential, services }) => {
      const auth = credential ? await services.tokens.authenticate(credential) : null;
      if (!auth?.ok) return { raw: true, status: 401, contentType: "application/json", body: JSON.stringify({ valid: false }) };
      const p = auth.principal;
      return {
        valid: true,
        token_info: { id: p.id, name: p.name, is_admin: p.isAdmin, expires_at: p.expiresAt?.toISOString() ?? null },
        permissions: p.grants.map((g) => ({ realm: g.realm, capabilities: [...g.capabilities] }))
      };
    }
  }),
  route({
    method: "GET",
    path: "/api/v1/auth/cache/stats",
    operationId: "tokenCacheStats",
    summary: "Token cache statistics",
    tag: "tokens",
    capability: "admin",
    response: z6.object({ size: z6.number(), max_size: z6.number(), ttl_seconds: z6.number(), hits: z6.number(), misses: z6.number(), hit_rate: z6.number(), evictions: z6.number() }).meta({ id: "TokenCacheStats", examples: [{ size: 12, max_size: 1e3, ttl_seconds: 30, hits: 5120, misses: 40, hit_rate: 0.992, evictions: 0 }] }),
    handle: ({ actor, services }) => services.tokens.cacheStats(actor)
  }),
  route({
    method: "POST",
    path: "/api/v1/auth/cache/invalidate",
    operationId: "invalidateTokenCache",
    summary: "Drop every cached token",
    tag: "tokens",
    capability: "admin",
    response: z6.object({ invalidated: z6.boolean() }),
    handle: ({ actor, services }) => services.tokens.invalidateCache(actor)
  })
];

// server/rest/routes/rbac.ts
var ZRoleName = z7.string().regex(ROLE_NAME, "lowercase letters, digits, '_' and '-', 1 to 63 characters");
var ZRole = z7.object({ name: z7.string(), description: z7.string(), capabilities: z7.array(ZCapabilityName), builtin: z7.boolean().describe("Shipped with Arcan; cannot be changed"), created_at: z7.string(), updated_at: z7.string() }).meta({
  id: "Role",
  description: "A named set of capabilities",
  examples: [{ name: "ci-reader", description: "CI pipelines", capabilities: ["secrets:read"], builtin: false, created_at: "2026-11-22T10:00:00.000Z", updated_at: "2026-11-22T10:00:00.000Z" }]
});
var ZBinding = z7.object({ id: z7.string(), subject: z7.string(), role: z7.string(), realm: z7.string().describe('A realm name or "*" (every realm)'), created_at: z7.string() }).meta({
  id: "Binding",
  description: "Gives a subject a role in one realm or in all",
  examples: [{ id: "bnd_5e1d0c2b3a4f45e6a7b8c9d0e1f2a3b4", subject: "user:alice", role: "ci-reader", realm: "myapp", created_at: "2026-11-22T10:00:00.000Z" }]
});
var rbacRoutes = [
  route({
    method: "GET",
    path: "/api/v1/roles",
    operationId: "listRoles",
    summary: "Roles",
    tag: "rbac",
    capability: "roles:read",
    response: z7.object({ items: z7.array(ZRole) }).meta({ id: "RoleList" }),
    handle: async ({ actor, services }) => ({ items: await services.roles.list(actor) })
  }),
  route({
    method: "POST",
    path: "/api/v1/roles",
    operationId: "createRole",
    summary: "Create a role",
    tag: "rbac",
    capability: "roles:write",
    body: z7.strictObject({ name: ZRoleName, description: z7.string().max(1e3).optional(), capabilities: z7.array(ZCapabilityName).min(1).max(64) }).meta({ id: "CreateRoleRequest", examples: [{ name: "ci-reader", description: "CI pipelines", capabilities: ["secrets:read"] }] }),
    status: 201,
    response: ZRole,
    handle: ({ actor, body, services }) => services.roles.create(actor, { name: body.name, capabilities: body.capabilities, ...body.description !== void 0 ? { description: body.description } : {} })
  }),
  route({
    method: "GET",
    path: "/api/v1/roles/:name",
    operationId: "getRole",
    summary: "A role",
    tag: "rbac",
    capability: "roles:read",
    params: z7.strictObject({ name: ZRoleName }),
    response: ZRole,
    handle: ({ actor, params, services }) => services.roles.get(actor, params.name)
  }),
  route({
    method: "PATCH",
    path: "/api/v1/roles/:name",
    operationId: "updateRole",
    summary: "Change a role's description or capabilities",
    tag: "rbac",
    capability: "roles:write",
    params: z7.strictObject({ name: ZRoleName }),
    body: z7.strictObject({ description: z7.string().max(1e3).optional(), capabilities: z7.array(ZCapabilityName).min(1).max(64).optional() }).meta({ id: "UpdateRoleRequest", examples: [{ capabilities: ["secrets:read", "leases:create"] }] }),
    response: ZRole,
    handle: ({ actor, params, body, services }) => services.roles.update(actor, params.name, {
      ...body.description !== void 0 ? { description: body.description } : {},
      ...body.capabilities ? { capabilities: body.capabilities } : {}
    })
  }),
  route({
    method: "DELETE",
    path: "/api/v1/roles/:name",
    operationId: "deleteRole",
    summary: "Delete a role and its bindings",
    tag: "rbac",
    capability: "roles:write",
    params: z7.strictObject({ name: ZRoleName }),
    status: 204,
    response: null,
    handle: ({ actor, params, services }) => services.roles.delete(actor, params.name)
  }),
  route({
    method: "GET",
    path: "/api/v1/bindings",
    operationId: "listBindings",
    summary: "Role bindings",
    tag: "rbac",
    capability: "roles:read",
    response: z7.object({ items: z7.array(ZBinding) }).meta({ id: "BindingList" }),
    handle: async ({ actor, services }) => ({ items: await services.roles.listBindings(actor) })
  }),
  route({
    method: "POST",
    path: "/api/v1/bindings",
    operationId: "createBinding",
    summary: 'Give a subject a role in a realm (or in every realm: "*")',
    tag: "rbac",
    capability: "roles:write",
    body: z7.strictObject({
      subject: z7.string().regex(SUBJECT, '"user:<name>" or "token:<id>"'),
      role: ZRoleName,
      realm: z7.string().regex(/^(\*|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)$/, 'a realm name or "*"')
    }).meta({ id: "CreateBindingRequest", examples: [{ subject: "user:alice", role: "ci-reader", realm: "myapp" }] }),
    status: 201,
    response: ZBinding,
    handle: ({ actor, body, services }) => services.roles.bind(actor, body)
  }),
  route({
    method: "DELETE",
    path: "/api/v1/bindings/:id",
    operationId: "deleteBinding",
    summary: "Remove a binding",
    tag: "rbac",
    capability: "roles:write",
    params: z7.strictObject({ id: z7.string().regex(/^bnd_[0-9a-f]{32}$/, "not a binding id") }),
    status: 204,
    response: null,
    handle: ({ actor, params, services }) => services.roles.unbind(actor, params.id)
  })
];

// server/rest/routes/realms.ts
import { z as z8 } from "zod";

// server/store/realm-scoped.ts
function asResolvedRealm(row) {
  return { id: row.id, name: row.name };
}
var RealmKeyRows = class {
  constructor(db, realmId) {
    this.db = db;
    this.realmId = realmId;
  }
  db;
  realmId;
  latest() {
    return this.db.realmKey.findFirst({ where: { realmId: this.realmId }, orderBy: { version: "desc" } });
  }
  byVersion(version) {
    return this.db.realmKey.findUnique({ where: { realmId_version: { realmId: this.realmId, version } } });
  }
  create(version, wrappedKey, kekId) {
    return this.db.realmKey.create({ data: { realmId: this.realmId, version, wrappedKey, kekId } });
  }
};
var SecretRows = class {
  constructor(db, realmId, fast) {
    this.db = db;
    this.realmId = realmId;
    this.fast = fast;
  }
  db;
  realmId;
  fast;
  list(opts) {
    return this.db.secret.findMany({
      where: { realmId: this.realmId, ...opts.afterKey ? { key: { gt: opts.afterKey } } : {} },
      orderBy: { key: "asc" },
      take: opts.take
    });
  }
  count() {
    return this.db.secret.count({ where: { realmId: this.realmId } });
  }
  find(key) {
    return this.db.secret.findUnique({ where: { realmId_key: { realmId: this.realmId, key } } });
  }
  /** The current version (or `version`) with its ciphertext: the hot path of every secret read. */
  async readVersion(key, version) {
    const quick = this.fast?.readSecret(this.realmId, key, version);
    if (quick !== void 0) return quick;
    const secret = await this.db.secret.findUnique({
      where: { realmId_key: { realmId: this.realmId, key } },
      include: { versions: { where: { version: version ?? void 0 }, orderBy: { version: "desc" }, take: 1 } }
    });
    const v = secret?.versions[0];
    if (!secret || !v || version === void 0 && v.version !== secret.currentVersion) return null;
    return { secretCreatedAt: secret.createdAt, version: v.version, ciphertext: v.ciphertext, keyVersion: v.keyVersion, versionCreatedAt: v.createdAt };
  }
  versions(secretId) {
    return this.db.secretVersion.findMany({
      where: { secretId, secret: { realmId: this.realmId } },
      orderBy: { version: "desc" },
      select: { version: true, createdAt: true, createdBy: true, keyVersion: true }
    });
  }
  create(data) {
    return this.db.secret.create({
      data: {
        id: data.id,
        realmId: this.realmId,
        key: data.key,
        currentVersion: 1,
        versions: { create: { version: 1, ciphertext: data.ciphertext, keyVersion: data.keyVersion, createdBy: data.createdBy } }
      }
    });
  }
  /** Adds a version only if the current one is still `expected` (optimistic concurrency). */
  async addVersion(secretId, expected, data) {
    const bumped = await this.db.secret.updateMany({
      where: { id: secretId, realmId: this.realmId, currentVersion: expected },
      data: { currentVersion: expected + 1 }
    });
    if (bumped.count !== 1) return false;
    await this.db.secretVersion.create({ data: { secretId, version: expected + 1, ...data } });
    return true;
  }
  delete(key) {
    return this.db.secret.deleteMany({ where: { realmId: this.realmId, key } });
  }
};
var BindingRows = class {
  constructor(db, realmId) {
    this.db = db;
    this.realmId = realmId;
  }
  db;
  realmId;
  list() {
    return this.db.binding.findMany({ where: { realmId: this.realmId }, include: { role: true } });
  }
};
var RealmStore = class {
  keys;
  secrets;
  bindings;
  constructor(db, realm, fast = null) {
    this.keys = new RealmKeyRows(db, realm.id);
    this.secrets = new SecretRows(db, realm.id, fast);
    this.bindings = new BindingRows(db, realm.id);
  }
};
function realmStore(db, realm, fast = null) {
  return new RealmStore(db, realm, fast);
}

// server/realms/service.ts
var REALM_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
function view2(row) {
  return { name: row.name, description: row.description, created_at: row.createdAt.toISOString(), updated_at: row.updatedAt.toISOString() };
}
var RealmService = class {
  constructor(db, access, audit, directory, keyring, outbox) {
    this.db = db;
    this.access = access;
    this.audit = audit;
    this.directory = directory;
    this.keyring = keyring;
    this.outbox = outbox;
  }
  db;
  access;
  audit;
  directory;
  keyring;
  outbox;
  async list(actor) {
    if (!this.access.holdsAnywhere(actor, "realms:read")) await this.access.require(actor, "realms:read", "realm.list");
    const rows = await this.db.realm.findMany({ orderBy: { name: "asc" } });
    const visible = rows.filter((r) => holds(actor.principal, "realms:read", r.name));
    await auditSuccess(this.audit, actor, "realm.list", { details: { count: visible.length } });
    return visible.map(view2);
  }
  async create(actor, input) {
    await this.access.require(actor, "realms:write", "realm.create");
    if (await this.db.realm.findUnique({ where: { name: input.name } })) {
      throw errors.conflict(`A realm named "${input.name}" already exists.`, "realm_exists");
    }
    const row = await this.outbox.transaction(actor, async (tx, emit) => {
      const created = await tx.realm.create({ data: { id: newId("rlm"), name: input.name, description: input.description ?? "" } });
      emit("realm.created", { realm: created.name, data: { name: created.name, description: created.description } });
      return created;
    });
    this.directory.invalidate(row.name);
    await this.keyring.rotate(asResolvedRealm(row));
    await auditSuccess(this.audit, actor, "realm.create", { realm: row.name });
    return view2(row);
  }
  async get(actor, name) {
    const realm = await this.access.requireRealm(actor, "realms:read", name, "realm.read");
    const row = await this.db.realm.findUniqueOrThrow({ where: { id: realm.id } });
    await auditSuccess(this.audit, actor, "realm.read", { realm: name });
    return view2(row);
  }
  async update(actor, name, patch) {
    const realm = await this.access.requireRealm(actor, "realms:write", name, "realm.update");
    const row = await this.outbox.transaction(actor, async (tx, emit) => {
      const updated = await tx.realm.update({ where: { id: realm.id }, data: { ...patch.description !== void 0 ? { description: patch.description } : {} } });
      emit("realm.updated", { realm: name, data: { name, description: updated.description } });
      return updated;
    });
    await auditSuccess(this.audit, actor, "realm.update", { realm: name });
    return view2(row);
  }
  /** Deletes the realm with its secrets, keys and bindings. */
  async delete(actor, name) {
    const realm = await this.access.requireRealm(actor, "realms:write", name, "realm.delete");
    await this.outbox.transaction(actor, async (tx, emit) => {
      await tx.realm.delete({ where: { id: realm.id } });
      emit("realm.deleted", { realm: name, data: { name } });
    });
    this.directory.invalidate(name);
    this.keyring.forget(realm.id);
    await auditSuccess(this.audit, actor, "realm.delete", { realm: name });
  }
};

// server/rest/routes/realms.ts
var ZRealmName = z8.string().regex(REALM_NAME, "a lowercase slug: a-z, 0-9 and '-', 1 to 63 characters").meta({ examples: ["myapp"] });
var ZRealmParams = z8.strictObject({ realm: ZRealmName });
var ZRealm = z8.object({ name: z8.string(), description: z8.string(), created_at: z8.string(), updated_at: z8.string() }).meta({
  id: "Realm",
  description: "A tenant that owns secrets, engines and leases",
  examples: [{ name: "myapp", description: "Production services of myapp", created_at: "2026-11-22T10:00:00.000Z", updated_at: "2026-11-22T10:00:00.000Z" }]
});
var realmRoutes = [
  route({
    method: "GET",
    path: "/api/v1/realms",
    operationId: "listRealms",
    summary: "Realms the caller may see",
    tag: "realms",
    capability: "realms:read",
    response: z8.object({ items: z8.array(ZRealm) }).meta({ id: "RealmList" }),
    handle: async ({ actor, services }) => ({ items: await services.realms.list(actor) })
  }),
  route({
    method: "POST",
    path: "/api/v1/realms",
    operationId: "createRealm",
    summary: "Create a realm",
    tag: "realms",
    capability: "realms:write",
    body: z8.strictObject({ name: ZRealmName, description: z8.string().max(1e3).optional() }).meta({ id: "CreateRealmRequest", examples: [{ name: "myapp", description: "Production services of myapp" }] }),
    status: 201,
    response: ZRealm,
    handle: ({ actor, body, services }) => services.realms.create(actor, { name: body.name, ...body.description !== void 0 ? { description: body.description } : {} })
  }),
  route({
    method: "GET",
    path: "/api/v1/realms/:realm",
    operationId: "getRealm",
    summary: "A realm",
    tag: "realms",
    capability: "realms:read",
    params: ZRealmParams,
    response: ZRealm,
    handle: ({ actor, params, services }) => services.realms.get(actor, params.realm)
  }),
  route({
    method: "PATCH",
    path: "/api/v1/realms/:realm",
    operationId: "updateRealm",
    summary: "Update a realm's description",
    tag: "realms",
    capability: "realms:write",
    params: ZRealmParams,
    body: z8.strictObject({ description: z8.string().max(1e3).optional() }).meta({ id: "UpdateRealmRequest", examples: [{ description: "Renamed team" }] }),
    response: ZRealm,
    handle: ({ actor, params, body, services }) => services.realms.update(actor, params.realm, { ...body.description !== void 0 ? { description: body.description } : {} })
  }),
  route({
    method: "DELETE",
    path: "/api/v1/realms/:realm",
    operationId: "deleteRealm",
    summary: "Delete a realm with its secrets and bindings",
    tag: "realms",
    capability: "realms:write",
    params: ZRealmParams,
    status: 204,
    response: null,
    handle: ({ actor, params, services }) => services.realms.delete(actor, params.realm)
  })
];

// server/rest/routes/secrets.ts
import { z as z9 } from "zod";

// server/secrets/service.ts
var SECRET_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
var MAX_SECRET_BYTES = 512 * 1024;
var aad = (key, version) => `secret:${key}:${version}`;
var SecretService = class {
  constructor(db, access, audit, keyring, fast, outbox) {
    this.db = db;
    this.access = access;
    this.audit = audit;
    this.keyring = keyring;
    this.fast = fast;
    this.outbox = outbox;
  }
  db;
  access;
  audit;
  keyring;
  fast;
  outbox;
  async list(actor, realmName, opts) {
    const realm = await this.access.requireRealm(actor, "secrets:read", realmName, "secret.list");
    const rows = await realmStore(this.db, realm).secrets.list({ take: opts.limit + 1, ...opts.cursor ? { afterKey: opts.cursor } : {} });
    const page = rows.slice(0, opts.limit);
    await auditSuccess(this.audit, actor, "secret.list", { realm: realm.name });
    return {
      items: page.map((s) => ({ key: s.key, version: s.currentVersion, created_at: s.createdAt.toISOString(), updated_at: s.updatedAt.toISOString() })),
      next_cursor: rows.length > opts.limit ? page[page.length - 1].key : null
    };
  }
  async get(actor, realmName, key, version) {
    const realm = await this.access.requireRealm(actor, "secrets:read", realmName, "secret.read");
    const row = await realmStore(this.db, realm, this.fast).secrets.readVersion(key, version);
    if (!row) throw errors.notFound(version === void 0 ? `Secret "${key}"` : `Version ${version} of secret "${key}"`, "secret_not_found");
    const value = await this.keyring.decrypt(realm, row.keyVersion, aad(key, row.version), row.ciphertext);
    await auditSuccess(this.audit, actor, "secret.read", { realm: realm.name, resource: `secret:${key}`, details: { version: row.version } });
    return { key, value, version: row.version, created_at: row.secretCreatedAt.toISOString(), updated_at: row.versionCreatedAt.toISOString() };
  }
  /** Writes a new version. `cas` is the version the caller expects to be current (0: must not exist). */
  async put(actor, realmName, key, value, cas) {
    const realm = await this.access.requireRealm(actor, "secrets:write", realmName, "secret.write");
    if (Buffer.byteLength(value, "utf8") > MAX_SECRET_BYTES) {
      throw errors.invalid(`value is larger than ${MAX_SECRET_BYTES} bytes.`, [{ field: "value", message: "too large" }]);
    }
    const meta = await this.writeVersion(actor, realm, key, value, cas);
    await auditSuccess(this.audit, actor, "secret.write", { realm: realm.name, resource: `secret:${key}`, details: { version: meta.version } });
    return meta;
  }
  async delete(actor, realmName, key) {
    const realm = await this.access.requireRealm(actor, "secrets:delete", realmName, "secret.delete");
    await this.outbox.transaction(actor, async (tx, emit) => {
      const { count } = await realmStore(tx, realm).secrets.delete(key);
      if (count === 0) throw errors.notFound(`Secret "${key}"`, "secret_not_found");
      emit("secret.deleted", { realm: realm.name, data: { key } });
    });
    await auditSuccess(this.audit, actor, "secret.delete", { realm: realm.name, resource: `secret:${key}` });
  }
  async versions(actor, realmName, key) {
    const realm = await this.access.requireRealm(actor, "secrets:read", realmName, "secret.versions");
    const store = realmStore(this.db, realm);
    const secret = await store.secrets.find(key);
    if (!secret) throw errors.notFound(`Secret "${key}"`, "secret_not_found");
    const rows = await store.secrets.versions(secret.id);
    await auditSuccess(this.audit, actor, "secret.versions", { realm: realm.name, resource: `secret:${key}` });
    return rows.map((v) => ({ version: v.version, created_at: v.createdAt.toISOString(), created_by: v.createdBy, current: v.version === secret.currentVersion }));
  }
  async writeVersion(actor, realm, key, value, cas) {
    const store = realmStore(this.db, realm);
    const existing = await store.secrets.find(key);
    const current = existing?.currentVersion ?? 0;
    if (cas !== void 0 && cas !== current) {
      throw errors.conflict(`Check-and-set failed: the current version is ${current}, not ${cas}.`, "cas_mismatch");
    }
    const next = current + 1;
    const { ciphertext, keyVersion } = await this.keyring.encrypt(realm, aad(key, next), value);
    const createdBy = actor.principal.subject;
    try {
      return await this.outbox.transaction(actor, async (tx, emit) => {
        const scoped = realmStore(tx, realm);
        let meta;
        if (!existing) {
          const row = await scoped.secrets.create({ id: newId("sec"), key, ciphertext, keyVersion, createdBy });
          meta = { key, version: 1, created_at: row.createdAt.toISOString(), updated_at: row.updatedAt.toISOString() };
        } else {
          const won = await scoped.secrets.addVersion(existing.id, current, { ciphertext, keyVersion, createdBy });
          if (!won) throw new Error("current version moved");
          meta = { key, version: next, created_at: existing.createdAt.toISOString(), updated_at: (/* @__PURE__ */ new Date()).toISOString() };
        }
        emit("secret.set", { realm: realm.name, data: { key, version: meta.version } });
        return meta;
      });
    } catch (err) {
      throw new AppError("conflict", "The secret was changed by another request at the same time; try again.", { code: "write_conflict", cause: err });
    }
  }
};

// server/rest/routes/secrets.ts
var ZKey = z9.string().regex(SECRET_KEY, "letters, digits, '_', '.' and '-', 1 to 128 characters").meta({ examples: ["DATABASE_URL"] });
var ZRealmParams2 = z9.strictObject({ realm: ZRealmName });
var ZSecretParams = z9.strictObject({ realm: ZRealmName, key: ZKey });
var SECRET_META_EXAMPLE = { key: "DATABASE_URL", version: 3, created_at: "2026-11-20T09:00:00.000Z", updated_at: "2026-11-22T10:00:00.000Z" };
var ZSecretMeta = z9.object({ key: z9.string(), version: z9.number().int().describe("The current version (1, 2, \u2026)"), created_at: z9.string(), updated_at: z9.string() }).meta({ id: "SecretMetadata", description: "A secret without its value", examples: [SECRET_META_EXAMPLE] });
var ZSecret = ZSecretMeta.extend({ value: z9.string() }).meta({
  id: "Secret",
  description: "A secret with its value (of the version asked for)",
  examples: [{ ...SECRET_META_EXAMPLE, value: "postgres://app:s3cr3t@db.internal:5432/app" }]
});
var ZSecretVersion = z9.object({ version: z9.number().int(), created_at: z9.string(), created_by: z9.string(), current: z9.boolean() }).meta({ id: "SecretVersion", examples: [{ version: 3, created_at: "2026-11-22T10:00:00.000Z", created_by: "token:tok_9b2f4c1e7a5d4e0f8c3b6a1d2e4f5a6b", current: true }] });
var secretRoutes = [
  route({
    method: "GET",
    path: "/api/v1/realms/:realm/secrets",
    operationId: "listSecrets",
    summary: "Keys and metadata, never values",
    tag: "secrets",
    capability: "secrets:read",
    params: ZRealmParams2,
    query: ZPageQuery,
    response: z9.object({ items: z9.array(ZSecretMeta), next_cursor: z9.string().nullable().describe("Pass as cursor for the next page; null on the last") }).meta({ id: "SecretList" }),
    handle: ({ actor, params, query: query2, services }) => services.secrets.list(actor, params.realm, { limit: query2.limit, ...query2.cursor ? { cursor: query2.cursor } : {} })
  }),
  route({
    method: "GET",
    path: "/api/v1/realms/:realm/secrets/:key",
    operationId: "getSecret",
    summary: "A secret's value (current version, or ?version=N)",
    tag: "secrets",
    capability: "secrets:read",
    params: ZSecretParams,
    query: z9.strictObject({ version: z9.coerce.number().int().min(1).optional().describe("A past version; default: the current one") }),
    response: ZSecret,
    handle: ({ actor, params, query: query2, services }) => services.secrets.get(actor, params.realm, params.key, query2.version)
  }),
  route({
    method: "PUT",
    path: "/api/v1/realms/:realm/secrets/:key",
    operationId: "putSecret",
    summary: "Write a new version (cas: the version you expect to be current; 0 = must not exist)",
    tag: "secrets",
    capability: "secrets:write",
    params: ZSecretParams,
    body: z9.strictObject({ value: z9.string(), cas: z9.number().int().min(0).optional().describe("Check-and-set: the version you expect to be current; 0 = the key must not exist") }).meta({ id: "PutSecretRequest", examples: [{ value: "postgres://app:s3cr3t@db.internal:5432/app", cas: 2 }] }),
    response: ZSecretMeta,
    handle: ({ actor, params, body, services }) => services.secrets.put(actor, params.realm, params.key, body.value, body.cas)
  }),
  route({
    method: "DELETE",
    path: "/api/v1/realms/:realm/secrets/:key",
    operationId: "deleteSecret",
    summary: "Delete a secret and all its versions",
    tag: "secrets",
    capability: "secrets:delete",
    params: ZSecretParams,
    status: 204,
    response: null,
    handle: ({ actor, params, services }) => services.secrets.delete(actor, params.realm, params.key)
  }),
  route({
    method: "GET",
    path: "/api/v1/realms/:realm/secrets/:key/versions",
    operationId: "listSecretVersions",
    summary: "Version history, no values",
    tag: "secrets",
    capability: "secrets:read",
    params: ZSecretParams,
    response: z9.object({ items: z9.array(ZSecretVersion) }).meta({ id: "SecretVersionList" }),
    handle: async ({ actor, params, services }) => ({ items: await services.secrets.versions(actor, params.realm, params.key) })
  })
];

// server/rest/routes/system.ts
import { z as z10 } from "zod";
var systemRoutes = [
  publicRoute({
    method: "GET",
    path: "/health",
    operationId: "health",
    summary: "Liveness: the process answers",
    tag: "system",
    response: z10.object({ status: z10.literal("ok") }),
    handle: async () => ({ status: "ok" })
  }),
  publicRoute({
    method: "GET",
    path: "/ready",
    operationId: "ready",
    summary: "Readiness: the store and the key-encryption key are usable (503 otherwise)",
    tag: "system",
    response: z10.object({ status: z10.enum(["ready", "not_ready"]), checks: z10.object({ store: z10.boolean(), key: z10.boolean() }) }).meta({ id: "Readiness" }),
    responses: {
      "503": { description: "Not ready", schema: z10.object({ status: z10.literal("not_ready"), checks: z10.object({ store: z10.boolean(), key: z10.boolean() }) }) }
    },
    handle: async ({ services }) => {
      const checks = await services.ready();
      const ok = checks.store && checks.key;
      const body = JSON.stringify({ status: ok ? "ready" : "not_ready", checks });
      return { raw: true, status: ok ? 200 : 503, contentType: "application/json", body };
    }
  }),
  publicRoute({
    method: "GET",
    path: "/metrics",
    operationId: "metrics",
    summary: "Prometheus metrics",
    tag: "system",
    response: null,
    responses: { "200": { description: "Prometheus text exposition format", contentType: "text/plain; version=0.0.4", schema: z10.string() } },
    handle: async ({ services }) => ({
      raw: true,
      status: 200,
      contentType: services.metrics.registry.contentType,
      body: await services.metrics.registry.metrics()
    })
  }),
  publicRoute({
    method: "GET",
    path: "/.well-known/jwks.json",
    operationId: "jwks",
    summary: "Public keys that verify tokens Arcan signs (none until the token exchange is enabled)",
    tag: "system",
    response: z10.object({ keys: z10.array(z10.record(z10.string(), z10.unknown())) }),
    handle: async () => ({ keys: [] })
  })
];

// server/rest/routes/webhooks.ts
import { z as z11 } from "zod";

// server/events/types.ts
var EVENT_CATEGORIES = ["secret", "lease", "policy", "engine", "auth", "plugin", "decision", "realm"];
var PING_EVENT = "ping";
var NAME = /^[a-z][a-z0-9_]{0,62}$/;
function patternProblem(pattern) {
  if (pattern === "*") return null;
  const [category, name, ...rest] = pattern.split(".");
  if (rest.length > 0 || name === void 0) return `"${pattern}" is not "<category>.<event>", "<category>.*" or "*"`;
  if (!EVENT_CATEGORIES.includes(category)) {
    return `"${category}" is not an event category (${EVENT_CATEGORIES.join(", ")})`;
  }
  if (name !== "*" && !NAME.test(name)) return `"${name}" is not an event name`;
  return null;
}
function matchesAny(patterns, event) {
  const category = event.slice(0, event.indexOf("."));
  return patterns.some((p) => p === "*" || p === event || p === `${category}.*`);
}

// server/rest/routes/webhooks.ts
var ZWebhookId = z11.string().regex(/^whk_[0-9a-f]{32}$/, "not a webhook id");
var ZDeliveryId = z11.string().regex(/^msg_[0-9a-f]{32}$/, "not a delivery id");
var ZParams = z11.strictObject({ id: ZWebhookId });
var ZEvents = z11.array(z11.string().min(1).max(100)).min(1).max(64).describe(`Event names ("secret.set"), "<category>.*" patterns or "*"; categories: ${EVENT_CATEGORIES.join(", ")}`);
var ZUrl = z11.string().min(1).max(2048).describe("https URL (http only with [webhooks] allow_private_networks = true)");
var ZState = z11.enum(["pending", "delivered", "dead"]);
var ZEndpoint = z11.object({
  id: z11.string(),
  url: z11.string(),
  description: z11.string(),
  events: z11.array(z11.string()),
  enabled: z11.boolean(),
  created_by: z11.string(),
  created_at: z11.string(),
  updated_at: z11.string()
}).meta({ id: "WebhookEndpoint" });
var ZCreatedEndpoint = ZEndpoint.extend({
  secret: z11.string().describe("whsec_ signing secret, shown only in this answer")
}).meta({ id: "CreatedWebhookEndpoint" });
var ZAttempt = z11.object({
  attempt: z11.number().int(),
  started_at: z11.string(),
  status_code: z11.number().int().nullable(),
  latency_ms: z11.number().int(),
  error: z11.string().nullable(),
  next_retry_at: z11.string().nullable()
});
var ZDelivery = z11.object({
  id: z11.string().describe("The webhook-id header of every attempt"),
  endpoint_id: z11.string(),
  event: z11.string(),
  event_id: z11.string(),
  state: ZState.describe("dead: every attempt failed (a dead letter); redeliver to try again"),
  attempts: z11.number().int(),
  next_attempt_at: z11.string().nullable(),
  last_error: z11.string().nullable(),
  created_at: z11.string(),
  delivered_at: z11.string().nullable(),
  attempt_log: z11.array(ZAttempt)
}).meta({ id: "WebhookDelivery" });
var webhookRoutes = [
  route({
    method: "GET",
    path: "/api/v1/webhooks",
    operationId: "listWebhooks",
    summary: "Webhook endpoints",
    tag: "webhooks",
    capability: "webhooks:read",
    response: z11.object({ items: z11.array(ZEndpoint) }),
    handle: async ({ actor, services }) => ({ items: await services.webhooks.list(actor) })
  }),
  route({
    method: "POST",
    path: "/api/v1/webhooks",
    operationId: "createWebhook",
    summary: "Register an endpoint; its signing secret is shown once",
    tag: "webhooks",
    capability: "webhooks:manage",
    body: z11.strictObject({ url: ZUrl, events: ZEvents, description: z11.string().max(1e3).optional(), enabled: z11.boolean().optional() }),
    status: 201,
    response: ZCreatedEndpoint,
    handle: ({ actor, body, services }) => services.webhooks.create(actor, body)
  }),
  route({
    method: "GET",
    path: "/api/v1/webhooks/:id",
    operationId: "getWebhook",
    summary: "A webhook endpoint",
    tag: "webhooks",
    capability: "webhooks:read",
    params: ZParams,
    response: ZEndpoint,
    handle: ({ actor, params, services }) => services.webhooks.get(actor, params.id)
  }),
  route({
    method: "PATCH",
    path: "/api/v1/webhooks/:id",
    operationId: "updateWebhook",
    summary: "Change an endpoint's URL, events, description or enabled state",
    tag: "webhooks",
    capability: "webhooks:manage",
    params: ZParams,
    body: z11.strictObject({ url: ZUrl.optional(), events: ZEvents.optional(), description: z11.string().max(1e3).optional(), enabled: z11.boolean().optional() }),
    response: ZEndpoint,
    handle: ({ actor, params, body, services }) => services.webhooks.update(actor, params.id, body)
  }),
  route({
    method: "DELETE",
    path: "/api/v1/webhooks/:id",
    operationId: "deleteWebhook",
    summary: "Delete an endpoint and its delivery history",
    tag: "webhooks",
    capability: "webhooks:manage",
    params: ZParams,
    status: 204,
    response: null,
    handle: ({ actor, params, services }) => services.webhooks.delete(actor, params.id)
  }),
  route({
    method: "GET",
    path: "/api/v1/webhooks/:id/deliveries",
    operationId: "listWebhookDeliveries",
    summary: "Deliveries, newest first: attempts, status codes, latency, next retry, dead letters",
    tag: "webhooks",
    capability: "webhooks:read",
    params: ZParams,
    query: ZPageQuery.extend({ state: ZState.optional() }),
    response: z11.object({ items: z11.array(ZDelivery), next_cursor: z11.string().nullable() }),
    handle: ({ actor, params, query: query2, services }) => services.webhooks.deliveries(actor, params.id, { limit: query2.limit, ...query2.cursor ? { cursor: query2.cursor } : {}, ...query2.state ? { state: query2.state } : {} })
  }),
  route({
    method: "POST",
    path: "/api/v1/webhooks/:id/test",
    operationId: "testWebhook",
    summary: "Send a ping event to this endpoint",
    tag: "webhooks",
    capability: "webhooks:manage",
    params: ZParams,
    status: 202,
    response: ZDelivery,
    handle: ({ actor, params, services }) => services.webhooks.test(actor, params.id)
  }),
  route({
    method: "POST",
    path: "/api/v1/webhooks/:id/deliveries/:delivery_id/redeliver",
    operationId: "redeliverWebhook",
    summary: "Send a dead-lettered (or delivered) event again, same webhook-id and body",
    tag: "webhooks",
    capability: "webhooks:manage",
    params: z11.strictObject({ id: ZWebhookId, delivery_id: ZDeliveryId }),
    status: 202,
    response: ZDelivery,
    handle: ({ actor, params, services }) => services.webhooks.redeliver(actor, params.id, params.delivery_id)
  })
];

// server/rest/routes/index.ts
var openApiText = null;
var allRoutes = [
  ...systemRoutes,
  ...tokenRoutes,
  ...realmRoutes,
  ...rbacRoutes,
  ...secretRoutes,
  ...auditRoutes,
  ...webhookRoutes,
  publicRoute({
    method: "GET",
    path: "/api/v1/openapi.json",
    operationId: "openapi",
    summary: "This document",
    tag: "system",
    response: z12.record(z12.string(), z12.unknown()),
    handle: async () => {
      openApiText ??= JSON.stringify(buildOpenApi(allRoutes), null, 2);
      return { raw: true, status: 200, contentType: "application/json", body: openApiText };
    }
  })
];

// server/rest/app.ts
var REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
function createRestApp(services) {
  const router = new Router(allRoutes);
  const { config: config3, logger, metrics } = services;
  return async function handle(req, res) {
    const started = process.hrtime.bigint();
    const given = req.headers["x-request-id"];
    const requestId = typeof given === "string" && REQUEST_ID.test(given) ? given : newRequestId();
    res.setHeader("X-Request-Id", requestId);
    const url = new URL(req.url ?? "/", "https://arcan.invalid");
    const method = req.method ?? "GET";
    let routeLabel = "unmatched";
    let principal = null;
    try {
      const { route: route2, params } = router.match(method, url.pathname);
      routeLabel = route2.path;
      const credential = extractCredential(req, url, config3.auth.query_param_token);
      if (route2.public) {
        applyRateLimit(res, services.rateLimiter.check(`ip:${clientIp(req)}`, config3.rate_limit.per_ip));
        const reply = await route2.handle({ params: parse(route2.params, params, "path"), query: parse(route2.query, query(url), "query"), services, req, requestId, credential });
        return respond(res, route2, reply);
      }
      const auth = credential ? await services.tokens.authenticate(credential) : null;
      if (!auth?.ok) {
        applyRateLimit(res, services.rateLimiter.check(`ip:${clientIp(req)}`, config3.rate_limit.per_ip));
        throw unauthenticated(credential === null ? "missing" : auth.reason);
      }
      principal = auth.principal;
      applyRateLimit(res, services.rateLimiter.check(`tok:${principal.id}`, principal.rateLimit ?? config3.rate_limit.per_token));
      const input = {
        params: parse(route2.params, params, "path"),
        query: parse(route2.query, query(url), "query"),
        body: route2.body ? parse(route2.body, await readJsonBody(req), "body") : hasBody(req) ? await rejectBody(req) : void 0
      };
      const actor = { principal, requestId, ip: clientIp(req), via: "rest" };
      const result = await route2.handle({ actor, ...input, services, req });
      respond(res, route2, result);
    } catch (err) {
      const appError = toAppError(err);
      if (appError.kind === "internal") logger.error({ err: describe(err), requestId }, "request failed");
      if (!res.headersSent) sendProblem(res, appError, requestId);
      else res.destroy();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.inc({ route: routeLabel, method, status: res.statusCode });
      metrics.httpDuration.observe({ route: routeLabel, method }, seconds);
      logRequest(logger, { requestId, method, url: scrubUrl(req.url ?? "/"), status: res.statusCode, ms: Math.round(seconds * 1e5) / 100, subject: principal?.subject });
    }
  };
}
function respond(res, route2, result) {
  if (isRaw(result)) {
    res.writeHead(result.status, { "Content-Type": result.contentType, "Content-Length": Buffer.byteLength(result.body) });
    res.end(result.body);
    return;
  }
  const status = route2.status ?? 200;
  if (status === 204 || route2.response === null) {
    res.writeHead(204);
    res.end();
    return;
  }
  sendJson(res, status, result);
}
function isRaw(value) {
  return typeof value === "object" && value !== null && value.raw === true;
}
function applyRateLimit(res, d) {
  res.setHeader("X-RateLimit-Limit", String(d.limit));
  res.setHeader("X-RateLimit-Remaining", String(d.remaining));
  res.setHeader("X-RateLimit-Reset", String(d.reset));
  if (!d.allowed) {
    const retryAfter = String(Math.max(1, d.reset - Math.floor(Date.now() / 1e3)));
    throw new AppError("rate_limited", `Rate limit of ${d.limit} requests per second exceeded.`, { code: "rate_limited", headers: { "Retry-After": retryAfter } });
  }
}
function unauthenticated(reason) {
  const detail = {
    missing: "Send an API token as 'Authorization: Bearer <token>', 'Authorization: Token <token>' or 'X-API-Key: <token>'.",
    invalid: "The API token is not valid.",
    expired: "The API token has expired.",
    revoked: "The API token has been revoked."
  }[reason];
  return new AppError("unauthenticated", detail, { code: reason === "missing" ? "token_missing" : `token_${reason}`, headers: { "WWW-Authenticate": 'Bearer realm="arcan"' } });
}
function query(url) {
  const out = {};
  for (const [k, v] of url.searchParams) if (k !== "p") out[k] = v;
  return out;
}
function parse(schema, value, where) {
  if (!schema) return void 0;
  const result = schema.safeParse(value ?? (where === "body" ? void 0 : {}));
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    field: i.code === "unrecognized_keys" ? i.keys.join(", ") : i.path.join(".") || where,
    message: i.code === "unrecognized_keys" ? "unknown field" : i.message
  }));
  const first = issues[0];
  throw new AppError("invalid_input", `Invalid ${where}: ${first.field}: ${first.message}.`, { code: "validation_failed", issues });
}
async function rejectBody(req) {
  const body = await readJsonBody(req).catch((err) => {
    if (err instanceof AppError && err.kind === "unsupported_media_type") return "non-json";
    throw err;
  });
  if (body !== void 0) throw new AppError("invalid_input", "This endpoint takes no request body.", { code: "unexpected_body", issues: [{ field: "body", message: "not allowed" }] });
  return void 0;
}
function describe(err) {
  return err instanceof Error ? `${err.name}: ${err.message.split("\n")[0]}` : String(err);
}
function logRequest(logger, fields) {
  const status = fields.status;
  if (status >= 500) logger.error(fields, "request");
  else logger.info(fields, "request");
}

// server/crypto/keyring.ts
import { randomBytes as randomBytes4 } from "node:crypto";
var Keyring = class {
  constructor(db, kms) {
    this.db = db;
    this.kms = kms;
  }
  db;
  kms;
  keys = /* @__PURE__ */ new Map();
  healthy() {
    return this.kms.healthy();
  }
  /** Creates the realm's next data key (version 1 for a new realm); old versions stay readable. */
  async rotate(realm) {
    const store = realmStore(this.db, realm);
    const latest = await store.keys.latest();
    const version = (latest?.version ?? 0) + 1;
    const dataKey = randomBytes4(32);
    const wrapped = await this.kms.wrap(dataKey, `${realm.id}:${version}`);
    await store.keys.create(version, wrapped, this.kms.keyId);
    this.keys.set(`${realm.id}:${version}`, dataKey);
    return version;
  }
  async encrypt(realm, aad2, plaintext) {
    const latest = await realmStore(this.db, realm).keys.latest();
    const keyVersion = latest ? latest.version : await this.rotate(realm);
    const key = await this.dataKey(realm, keyVersion);
    return { ciphertext: sealAesGcm(key, Buffer.from(plaintext, "utf8"), `${realm.id}:${keyVersion}:${aad2}`), keyVersion };
  }
  async decrypt(realm, keyVersion, aad2, ciphertext) {
    const key = await this.dataKey(realm, keyVersion);
    return openAesGcm(key, ciphertext, `${realm.id}:${keyVersion}:${aad2}`).toString("utf8");
  }
  /** Drops every unwrapped key of a realm (after the realm is deleted). */
  forget(realmId) {
    for (const k of this.keys.keys()) if (k.startsWith(`${realmId}:`)) this.keys.delete(k);
  }
  async dataKey(realm, version) {
    const cacheKey2 = `${realm.id}:${version}`;
    const cached = this.keys.get(cacheKey2);
    if (cached) return cached;
    const row = await realmStore(this.db, realm).keys.byVersion(version);
    if (!row) throw new Error(`realm key version ${version} is missing`);
    const key = await this.kms.unwrap(row.wrappedKey, `${realm.id}:${version}`);
    this.keys.set(cacheKey2, key);
    return key;
  }
};

// server/decisions/recorder.ts
var DecisionRecorder = class {
  constructor(db, metrics, logger) {
    this.db = db;
    this.metrics = metrics;
    this.logger = logger;
  }
  db;
  metrics;
  logger;
  pending = /* @__PURE__ */ new Map();
  record(key) {
    this.metrics.decisions.inc({ lane: key.lane });
    const minute = Math.floor(Date.now() / 6e4) * 6e4;
    const id = `${minute}|${key.lane}|${key.realm}|${key.capability}|${key.subject}`;
    const entry = this.pending.get(id);
    if (entry) entry.count++;
    else this.pending.set(id, { ...key, minute: new Date(minute), count: 1 });
  }
  async flush() {
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = /* @__PURE__ */ new Map();
    try {
      for (const d of batch) {
        await this.db.decisionMinute.upsert({
          where: {
            minute_lane_realm_capability_subject: {
              minute: d.minute,
              lane: d.lane,
              realm: d.realm,
              capability: d.capability,
              subject: d.subject
            }
          },
          create: { id: newId("dec"), minute: d.minute, lane: d.lane, realm: d.realm, capability: d.capability, subject: d.subject, count: d.count },
          update: { count: { increment: d.count } }
        });
      }
    } catch (err) {
      this.logger.warn({ err: err.message }, "decision counts could not be saved; they stay in /metrics");
    }
  }
};

// server/events/outbox.ts
var Outbox = class {
  constructor(db) {
    this.db = db;
  }
  db;
  listeners = /* @__PURE__ */ new Set();
  /** Runs `change` in a transaction; every event it emits is written in that same transaction. */
  async transaction(source, change) {
    let emitted = 0;
    const result = await this.db.$transaction(async (tx) => {
      const events = [];
      const value = await change(tx, (type, fields) => events.push({ type, realm: fields.realm ?? null, data: fields.data }));
      await writeEvents(tx, source, events);
      emitted = events.length;
      return value;
    });
    if (emitted > 0) this.notify();
    return result;
  }
  /** Writes events that need no accompanying change (e.g. a login), then wakes listeners. */
  async emit(source, events) {
    if (events.length === 0) return;
    await this.db.$transaction(async (tx) => writeEvents(tx, source, events));
    this.notify();
  }
  /** Called after every commit that wrote events in this process. Returns an unsubscribe. */
  onCommit(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  notify() {
    for (const listener of this.listeners) listener();
  }
};
async function writeEvents(tx, source, events) {
  if (events.length === 0) return;
  await tx.outboxEvent.createMany({
    data: events.map((e) => ({
      id: newId("evt"),
      type: e.type,
      realm: e.realm,
      requestId: source.requestId,
      data: JSON.stringify({ ...e.data, actor: source.principal.subject })
    }))
  });
}

// server/rbac/access.ts
var AccessGuard = class {
  constructor(realms, decisions, audit) {
    this.realms = realms;
    this.decisions = decisions;
    this.audit = audit;
  }
  realms;
  decisions;
  audit;
  /** A capability that is not tied to one realm (needs a grant in every realm, "*"). */
  async require(actor, capability, action) {
    if (holds(actor.principal, capability, null)) {
      this.decisions.record({ lane: "allow", realm: ALL_REALMS, capability, subject: actor.principal.subject });
      return;
    }
    await this.deny(actor, capability, ALL_REALMS, action, 403, `missing capability ${capability}`);
    throw errors.forbidden(`This request needs the capability "${capability}".`, "missing_capability");
  }
  /** Whether the actor holds a capability anywhere, without recording a decision (for filtering lists). */
  holdsAnywhere(actor, capability) {
    return actor.principal.isAdmin || actor.principal.grants.some((g) => g.capabilities.has(capability) || g.capabilities.has("admin"));
  }
  async requireRealm(actor, capability, realmName, action) {
    const { principal } = actor;
    if (!canSee(principal, realmName)) {
      await this.deny(actor, capability, realmName, action, 404, "realm not visible to the caller");
      throw errors.notFound(`Realm "${realmName}"`, "realm_not_found");
    }
    if (!holds(principal, capability, realmName)) {
      await this.deny(actor, capability, realmName, action, 403, `missing capability ${capability} in realm ${realmName}`);
      throw errors.forbidden(`This request needs the capability "${capability}" in realm "${realmName}".`, "missing_capability");
    }
    const realm = await this.realms.byName(realmName);
    if (!realm) throw errors.notFound(`Realm "${realmName}"`, "realm_not_found");
    this.decisions.record({ lane: "allow", realm: realmName, capability, subject: principal.subject });
    return realm;
  }
  async deny(actor, capability, realm, action, status, reason) {
    this.decisions.record({ lane: "deny", realm, capability, subject: actor.principal.subject });
    await this.audit.append({
      requestId: actor.requestId,
      actor: actor.principal.subject,
      action,
      outcome: "denied",
      status,
      realm: realm === ALL_REALMS ? null : realm,
      capability,
      reason,
      ip: actor.ip
    });
  }
};

// server/realms/directory.ts
var TTL_MS = 5e3;
var RealmDirectory = class {
  constructor(db) {
    this.db = db;
  }
  db;
  cache = /* @__PURE__ */ new Map();
  async byName(name) {
    const hit = this.cache.get(name);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.realm;
    const row = await this.db.realm.findUnique({ where: { name }, select: { id: true, name: true } });
    const realm = row ? asResolvedRealm(row) : null;
    if (this.cache.size > 1e4) this.cache.clear();
    this.cache.set(name, { realm, at: Date.now() });
    return realm;
  }
  invalidate(name) {
    this.cache.delete(name);
  }
};

// server/rest/ratelimit.ts
var RateLimiter = class {
  window = 0;
  counts = /* @__PURE__ */ new Map();
  check(key, limit, nowMs = Date.now()) {
    const window = Math.floor(nowMs / 1e3);
    if (window !== this.window) {
      this.window = window;
      this.counts = /* @__PURE__ */ new Map();
    }
    const used = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, used);
    return { allowed: used <= limit, limit, remaining: Math.max(0, limit - used), reset: window + 1 };
  }
};

// server/syslog/format.ts
import { hostname } from "node:os";
var FACILITY_LOG_AUDIT = 13;
var SEVERITY = { success: 6, denied: 4, failure: 3 };
var SD_ID = "arcan@32473";
var BOM = "\uFEFF";
function headerField(value, max) {
  const clean = value.replace(/[^\x21-\x7e]/g, "_").slice(0, max);
  return clean.length > 0 ? clean : "-";
}
function sdValue(value) {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}
var HOST = headerField(hostname(), 255);
function formatAuditRecord(record, procId = String(process.pid)) {
  const pri = FACILITY_LOG_AUDIT * 8 + (SEVERITY[record.outcome] ?? 5);
  const params = [
    ["id", record.id],
    ["seq", record.seq],
    ["request_id", record.requestId],
    ["actor", record.actor],
    ["outcome", record.outcome],
    ["status", record.status],
    ["realm", record.realm],
    ["resource", record.resource],
    ["capability", record.capability],
    ["ip", record.ip]
  ];
  const sd = `[${SD_ID}${params.filter(([, v]) => v !== null).map(([k, v]) => ` ${k}="${sdValue(String(v))}"`).join("")}]`;
  const msg = JSON.stringify({
    id: record.id,
    time: record.time.toISOString(),
    request_id: record.requestId,
    actor: record.actor,
    action: record.action,
    outcome: record.outcome,
    status: record.status,
    realm: record.realm,
    resource: record.resource,
    capability: record.capability,
    reason: record.reason,
    ip: record.ip,
    details: JSON.parse(record.details),
    hash: record.hash
  });
  const header = `<${pri}>1 ${record.time.toISOString()} ${HOST} arcan ${headerField(procId, 128)} ${headerField(record.action, 32)}`;
  return `${header} ${sd} ${BOM}${msg}`;
}
function octetCounted(message) {
  const body = Buffer.from(message, "utf8");
  return Buffer.concat([Buffer.from(`${body.length} `, "ascii"), body]);
}

// server/syslog/transport.ts
import dgram from "node:dgram";
import net from "node:net";
var CONNECT_TIMEOUT_MS = 5e3;
var WRITE_TIMEOUT_MS = 1e4;
function parseSyslogAddress(address) {
  const m = /^(udp|tcp):\/\/([^:/]+):(\d+)$/.exec(address);
  if (!m) throw new Error(`syslog address "${address}" is not udp://host:port or tcp://host:port`);
  return { protocol: m[1], host: m[2], port: Number(m[3]) };
}
function createTransport(address) {
  const { protocol, host, port } = parseSyslogAddress(address);
  return protocol === "udp" ? new UdpTransport(host, port) : new TcpTransport(host, port);
}
var UdpTransport = class {
  constructor(host, port) {
    this.host = host;
    this.port = port;
  }
  host;
  port;
  socket = null;
  async send(messages) {
    const socket = this.socket ??= dgram.createSocket(net.isIPv6(this.host) ? "udp6" : "udp4");
    socket.unref();
    for (const m of messages) {
      await new Promise((resolve, reject) => socket.send(Buffer.from(m, "utf8"), this.port, this.host, (err) => err ? reject(err) : resolve()));
    }
  }
  close() {
    this.socket?.close();
    this.socket = null;
  }
};
var TcpTransport = class {
  constructor(host, port) {
    this.host = host;
    this.port = port;
  }
  host;
  port;
  socket = null;
  async send(messages) {
    const socket = this.socket ?? await this.connect();
    const frames = Buffer.concat(messages.map(octetCounted));
    try {
      await withTimeout(
        new Promise((resolve, reject) => {
          socket.write(frames, (err) => err ? reject(err) : resolve());
        }),
        WRITE_TIMEOUT_MS,
        "syslog write timed out"
      );
    } catch (err) {
      this.drop();
      throw err;
    }
    if (socket.destroyed) {
      this.drop();
      throw new Error("syslog connection closed");
    }
  }
  close() {
    this.drop();
  }
  drop() {
    this.socket?.destroy();
    this.socket = null;
  }
  async connect() {
    const socket = net.connect({ host: this.host, port: this.port });
    socket.setKeepAlive(true, 3e4);
    socket.setNoDelay(true);
    try {
      await withTimeout(
        new Promise((resolve, reject) => {
          socket.once("connect", resolve);
          socket.once("error", reject);
        }),
        CONNECT_TIMEOUT_MS,
        "syslog connect timed out"
      );
    } catch (err) {
      socket.destroy();
      throw err;
    }
    const forget = () => {
      if (this.socket === socket) this.socket = null;
    };
    socket.on("error", forget);
    socket.on("close", forget);
    socket.resume();
    socket.unref();
    this.socket = socket;
    return socket;
  }
};
function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// server/syslog/sink.ts
var CURSOR = "syslog";
var BATCH = 200;
var SyslogSink = class {
  constructor(db, provider, address, logger, options = {}) {
    this.db = db;
    this.provider = provider;
    this.address = address;
    this.logger = logger;
    this.transport = createTransport(address);
    this.pollMs = options.pollMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 5e3;
  }
  db;
  provider;
  address;
  logger;
  transport;
  pollMs;
  maxBackoffMs;
  timer = null;
  running = null;
  stopped = false;
  failures = 0;
  start() {
    this.schedule(0);
  }
  /** Sends what is already committed (best effort, bounded), then stops. */
  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    if (this.failures === 0) await this.pump().catch(() => {
    });
    this.transport.close();
  }
  schedule(ms) {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.loop();
    }, ms);
    this.timer.unref();
  }
  async loop() {
    let next = this.pollMs;
    try {
      while (await this.pump() === BATCH && !this.stopped) ;
      if (this.failures > 0) this.logger.info({ address: this.address }, "syslog sink: collector reachable again");
      this.failures = 0;
    } catch (err) {
      this.failures++;
      next = Math.min(this.maxBackoffMs, this.pollMs * 2 ** Math.min(this.failures, 6));
      if (this.failures === 1 || this.failures % 20 === 0) {
        this.logger.warn({ address: this.address, err: err.message.split("\n")[0], failures: this.failures }, "syslog sink: cannot send; will retry");
      }
    }
    this.running = null;
    this.schedule(next);
  }
  /** Sends the next batch after the cursor; returns how many records were sent. */
  async pump() {
    if (this.provider === "postgresql") {
      return this.db.$transaction(
        async (tx) => {
          await tx.$executeRaw`INSERT INTO "SinkCursor" (name, position, "updatedAt") VALUES (${CURSOR}, 0, now()) ON CONFLICT (name) DO NOTHING`;
          const locked = await tx.$queryRaw`SELECT position FROM "SinkCursor" WHERE name = ${CURSOR} FOR UPDATE SKIP LOCKED`;
          if (locked.length === 0) return 0;
          return this.sendAfter(tx, Number(locked[0].position));
        },
        { timeout: 3e4, maxWait: 5e3 }
      );
    }
    const cursor = await this.db.sinkCursor.findUnique({ where: { name: CURSOR } });
    return this.sendAfter(this.db, cursor?.position ?? 0);
  }
  async sendAfter(db, position) {
    const records = await db.auditRecord.findMany({ where: { seq: { gt: position } }, orderBy: { seq: "asc" }, take: BATCH });
    if (records.length === 0) return 0;
    await this.transport.send(records.map((r) => formatAuditRecord(r)));
    const last = records[records.length - 1].seq;
    await db.sinkCursor.upsert({ where: { name: CURSOR }, create: { name: CURSOR, position: last }, update: { position: last } });
    return records.length;
  }
};

// server/tokens/cache.ts
var TokenCache = class {
  constructor(ttlSeconds, maxSize) {
    this.ttlSeconds = ttlSeconds;
    this.maxSize = maxSize;
  }
  ttlSeconds;
  maxSize;
  entries = /* @__PURE__ */ new Map();
  hits = 0;
  misses = 0;
  evictions = 0;
  get(hash2, now = Date.now()) {
    const entry = this.entries.get(hash2);
    if (!entry || now - entry.at >= this.ttlSeconds * 1e3 || entry.principal.expiresAt && entry.principal.expiresAt.getTime() <= now) {
      if (entry) this.entries.delete(hash2);
      this.misses++;
      return void 0;
    }
    this.entries.delete(hash2);
    this.entries.set(hash2, entry);
    this.hits++;
    return entry.principal;
  }
  set(hash2, principal) {
    if (this.ttlSeconds === 0) return;
    this.entries.delete(hash2);
    this.entries.set(hash2, { principal, at: Date.now() });
    while (this.entries.size > this.maxSize) {
      const oldest = this.entries.keys().next().value;
      this.entries.delete(oldest);
      this.evictions++;
    }
  }
  /** Drops every entry of one token (its id), whatever value it was cached under. */
  dropToken(tokenId) {
    for (const [hash2, entry] of this.entries) if (entry.principal.kind === "token" && entry.principal.id === tokenId) this.entries.delete(hash2);
  }
  clear() {
    this.entries.clear();
  }
  stats() {
    const lookups = this.hits + this.misses;
    return {
      size: this.entries.size,
      max_size: this.maxSize,
      ttl_seconds: this.ttlSeconds,
      hits: this.hits,
      misses: this.misses,
      hit_rate: lookups === 0 ? 0 : this.hits / lookups,
      evictions: this.evictions
    };
  }
};

// server/crypto/token-format.ts
import { createHash as createHash2, randomBytes as randomBytes5, timingSafeEqual } from "node:crypto";
var ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
var BODY_LENGTH = 24;
var CHECKSUM_LENGTH = 6;
var TOKEN_PREFIXES = ["arc_", "oas_"];
function randomBase62(length) {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes5(length * 2)) {
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}
function checksum(prefixAndBody) {
  let n = createHash2("sha256").update(prefixAndBody).digest().readUInt32BE(0);
  let out = "";
  for (let i = 0; i < CHECKSUM_LENGTH; i++) {
    out = ALPHABET[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}
function generateToken(prefix = "arc_") {
  const head = prefix + randomBase62(BODY_LENGTH);
  return head + checksum(head);
}
function hasValidChecksum(value) {
  if (value.length !== 4 + BODY_LENGTH + CHECKSUM_LENGTH) return false;
  if (!TOKEN_PREFIXES.some((p) => value.startsWith(p))) return false;
  if (!/^[0-9A-Za-z]+$/.test(value.slice(4))) return false;
  const head = value.slice(0, 4 + BODY_LENGTH);
  const expected = Buffer.from(checksum(head));
  const given = Buffer.from(value.slice(4 + BODY_LENGTH));
  return timingSafeEqual(expected, given);
}
function isPlausibleToken(value) {
  if (TOKEN_PREFIXES.some((p) => value.startsWith(p))) return hasValidChecksum(value);
  return value.length >= 32 && value.length <= 512 && /^[\x21-\x7e]+$/.test(value);
}
function hashToken(value) {
  return createHash2("sha256").update(value).digest("hex");
}
function displayPrefix(value) {
  return TOKEN_PREFIXES.some((p) => value.startsWith(p)) ? value.slice(0, 8) : "custom";
}
function constantTimeEqual(a, b) {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

// server/tokens/ttl.ts
var UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
var MAX_TTL_SECONDS = 10 * 365 * 86400;
function parseTtl(value) {
  let seconds;
  if (typeof value === "number") {
    seconds = value;
  } else {
    const m = /^\s*(\d{1,10})\s*([smhdw]?)\s*$/.exec(value);
    if (!m) return null;
    seconds = Number(m[1]) * UNIT_SECONDS[m[2] || "s"];
  }
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TTL_SECONDS) return null;
  return seconds;
}

// server/tokens/service.ts
function toTokenView(row, now = /* @__PURE__ */ new Date()) {
  const status = row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active";
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    prefix: row.prefix,
    is_admin: row.isAdmin,
    capabilities: parseCapabilities(row.capabilities),
    realms: JSON.parse(row.realms),
    rate_limit: row.rateLimit,
    status,
    expires_at: row.expiresAt?.toISOString() ?? null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
    last_used_at: row.lastUsedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    created_by: row.createdBy
  };
}
var TokenService = class {
  constructor(db, access, audit, cache, metrics, outbox) {
    this.db = db;
    this.access = access;
    this.audit = audit;
    this.cache = cache;
    this.metrics = metrics;
    this.outbox = outbox;
  }
  db;
  access;
  audit;
  cache;
  metrics;
  outbox;
  lastUsed = /* @__PURE__ */ new Map();
  async authenticate(value) {
    if (!isPlausibleToken(value)) return { ok: false, reason: "invalid" };
    const hash2 = hashToken(value);
    const cached = this.cache.get(hash2);
    if (cached) {
      this.metrics.tokenCache.inc({ result: "hit" });
      this.lastUsed.set(cached.id, /* @__PURE__ */ new Date());
      return { ok: true, principal: cached };
    }
    this.metrics.tokenCache.inc({ result: "miss" });
    const row = await this.db.token.findUnique({ where: { hash: hash2 } });
    if (!row || !constantTimeEqual(row.hash, hash2)) return { ok: false, reason: "invalid" };
    if (row.revokedAt) return { ok: false, reason: "revoked" };
    if (row.expiresAt && row.expiresAt <= /* @__PURE__ */ new Date()) return { ok: false, reason: "expired" };
    const principal = await this.principalOf(row);
    this.cache.set(hash2, principal);
    this.lastUsed.set(row.id, /* @__PURE__ */ new Date());
    return { ok: true, principal };
  }
  async principalOf(row) {
    const subject = `token:${row.id}`;
    const own = parseCapabilities(row.capabilities);
    const realms = JSON.parse(row.realms);
    const grants = [...realms.map((realm) => ({ realm, capabilities: new Set(own) })), ...await bindingGrants(this.db, subject)];
    return { subject, kind: "token", id: row.id, name: row.name, isAdmin: row.isAdmin, grants, rateLimit: row.rateLimit, expiresAt: row.expiresAt };
  }
  /** Creates a token on behalf of `issuer`: never more than the issuer holds. The value is returned once. */
  async create(actor, input) {
    await this.access.require(actor, "tokens:create", "token.create");
    const issuer = actor.principal;
    const capabilities = [...new Set(input.capabilities ?? [])];
    const realms = [...new Set(input.realms ?? [ALL_REALMS])];
    if (realms.length === 0) throw errors.invalid('realms must name at least one realm, or "*".', [{ field: "realms", message: "empty" }]);
    if (input.isAdmin && !issuer.isAdmin) throw errors.forbidden("Only an admin can create an admin token.", "exceeds_issuer");
    for (const capability of capabilities) {
      for (const realm of realms) {
        if (!holds(issuer, capability, realm === ALL_REALMS ? null : realm)) {
          const where = realm === ALL_REALMS ? "in every realm" : `in realm "${realm}"`;
          throw errors.forbidden(`You cannot grant "${capability}" ${where}: a token never holds more than its issuer.`, "exceeds_issuer");
        }
      }
    }
    const named = realms.filter((r) => r !== ALL_REALMS);
    if (named.length > 0) {
      const found = await this.db.realm.findMany({ where: { name: { in: named } }, select: { name: true } });
      const missing = named.filter((n) => !found.some((f) => f.name === n));
      if (missing.length > 0) throw errors.invalid(`Unknown realm(s): ${missing.join(", ")}.`, [{ field: "realms", message: "unknown realm" }]);
    }
    let expiresAt = null;
    if (input.ttl !== void 0) {
      const seconds = parseTtl(input.ttl);
      if (seconds === null) throw errors.invalid('ttl must look like "90d", "12h", "30m" or a number of seconds.', [{ field: "ttl", message: "not a TTL" }]);
      expiresAt = new Date(Date.now() + seconds * 1e3);
    }
    const value = generateToken("arc_");
    const row = await this.outbox.transaction(actor, async (tx, emit) => {
      const created = await tx.token.create({
        data: {
          id: newId("tok"),
          name: input.name,
          description: input.description ?? "",
          prefix: displayPrefix(value),
          hash: hashToken(value),
          isAdmin: input.isAdmin ?? false,
          capabilities: JSON.stringify(capabilities),
          realms: JSON.stringify(realms),
          rateLimit: input.rateLimit ?? null,
          createdBy: issuer.subject,
          expiresAt
        }
      });
      emit("auth.token_created", {
        data: { token_id: created.id, name: created.name, capabilities, realms, is_admin: created.isAdmin, expires_at: created.expiresAt?.toISOString() ?? null }
      });
      return created;
    });
    await auditSuccess(this.audit, actor, "token.create", { resource: `token:${row.id}`, details: { name: row.name, capabilities, realms, is_admin: row.isAdmin } });
    return { ...toTokenView(row), token: value };
  }
  async list(actor, opts) {
    const scope = await this.readScope(actor, "token.list");
    const rows = await this.db.token.findMany({
      where: scope,
      orderBy: { id: "asc" },
      take: opts.limit + 1,
      ...opts.cursor ? { cursor: { id: opts.cursor }, skip: 1 } : {}
    });
    const page = rows.slice(0, opts.limit);
    await auditSuccess(this.audit, actor, "token.list", { details: { count: page.length } });
    return { items: page.map((r) => toTokenView(r)), next_cursor: rows.length > opts.limit ? page[page.length - 1].id : null };
  }
  async get(actor, id) {
    const row = await this.findVisible(actor, id, "tokens:read", "token.read");
    await auditSuccess(this.audit, actor, "token.read", { resource: `token:${id}` });
    return toTokenView(row);
  }
  async update(actor, id, patch) {
    await this.findVisible(actor, id, "tokens:create", "token.update");
    const row = await this.db.token.update({
      where: { id },
      data: {
        ...patch.name !== void 0 ? { name: patch.name } : {},
        ...patch.description !== void 0 ? { description: patch.description } : {},
        ...patch.rateLimit !== void 0 ? { rateLimit: patch.rateLimit } : {}
      }
    });
    this.cache.dropToken(id);
    await auditSuccess(this.audit, actor, "token.update", { resource: `token:${id}`, details: { fields: Object.keys(patch) } });
    return toTokenView(row);
  }
  async rotate(actor, id) {
    const existing = await this.findVisible(actor, id, "tokens:create", "token.rotate");
    if (existing.revokedAt) throw errors.conflict("A revoked token cannot be rotated.", "token_revoked");
    const value = generateToken("arc_");
    const row = await this.outbox.transaction(actor, async (tx, emit) => {
      const rotated = await tx.token.update({ where: { id }, data: { hash: hashToken(value), prefix: displayPrefix(value) } });
      emit("auth.token_rotated", { data: { token_id: id, name: rotated.name } });
      return rotated;
    });
    this.cache.dropToken(id);
    await auditSuccess(this.audit, actor, "token.rotate", { resource: `token:${id}` });
    return { ...toTokenView(row), token: value };
  }
  async revoke(actor, id) {
    const existing = await this.findVisible(actor, id, "tokens:revoke", "token.revoke");
    const row = existing.revokedAt ? existing : await this.outbox.transaction(actor, async (tx, emit) => {
      const revoked = await tx.token.update({ where: { id }, data: { revokedAt: /* @__PURE__ */ new Date() } });
      emit("auth.token_revoked", { data: { token_id: id, name: revoked.name } });
      return revoked;
    });
    this.cache.dropToken(id);
    await auditSuccess(this.audit, actor, "token.revoke", { resource: `token:${id}` });
    return toTokenView(row);
  }
  async revokeAll(actor, includeSelf) {
    await this.access.require(actor, "admin", "token.revoke_all");
    const self = actor.principal.kind === "token" ? actor.principal.id : null;
    const result = await this.outbox.transaction(actor, async (tx, emit) => {
      const victims = await tx.token.findMany({
        where: { revokedAt: null, ...self && !includeSelf ? { id: { not: self } } : {} },
        select: { id: true, name: true }
      });
      const updated = await tx.token.updateMany({ where: { id: { in: victims.map((v) => v.id) }, revokedAt: null }, data: { revokedAt: /* @__PURE__ */ new Date() } });
      for (const v of victims) emit("auth.token_revoked", { data: { token_id: v.id, name: v.name } });
      return updated;
    });
    this.cache.clear();
    await auditSuccess(this.audit, actor, "token.revoke_all", { details: { revoked: result.count, include_self: includeSelf } });
    return { revoked: result.count };
  }
  async delete(actor, id) {
    const existing = await this.findVisible(actor, id, "tokens:revoke", "token.delete");
    await this.outbox.transaction(actor, async (tx, emit) => {
      await tx.binding.deleteMany({ where: { subject: `token:${id}` } });
      await tx.token.delete({ where: { id } });
      emit("auth.token_deleted", { data: { token_id: id, name: existing.name } });
    });
    this.cache.dropToken(id);
    await auditSuccess(this.audit, actor, "token.delete", { resource: `token:${id}` });
  }
  async cacheStats(actor) {
    await this.access.require(actor, "admin", "token_cache.stats");
    return this.cache.stats();
  }
  async invalidateCache(actor) {
    await this.access.require(actor, "admin", "token_cache.invalidate");
    this.cache.clear();
    await auditSuccess(this.audit, actor, "token_cache.invalidate");
    return { invalidated: true };
  }
  /** Flushes last-used times gathered in memory (called every few seconds, and at shutdown). */
  async flushLastUsed() {
    const batch = [...this.lastUsed];
    this.lastUsed.clear();
    for (const [id, at] of batch) await this.db.token.updateMany({ where: { id }, data: { lastUsedAt: at } });
  }
  /** Token holders with tokens:read everywhere see all tokens; others only the ones they issued. */
  async readScope(actor, action) {
    if (holds(actor.principal, "tokens:read", null)) {
      await this.access.require(actor, "tokens:read", action);
      return {};
    }
    if (this.access.holdsAnywhere(actor, "tokens:read")) return { createdBy: actor.principal.subject };
    await this.access.require(actor, "tokens:read", action);
    return {};
  }
  async findVisible(actor, id, capability, action) {
    const everywhere = holds(actor.principal, capability, null);
    if (everywhere) await this.access.require(actor, capability, action);
    else if (!this.access.holdsAnywhere(actor, capability)) await this.access.require(actor, capability, action);
    const row = await this.db.token.findUnique({ where: { id } });
    if (!row || !everywhere && row.createdBy !== actor.principal.subject) throw errors.notFound(`Token "${id}"`, "token_not_found");
    return row;
  }
};

// server/users/service.ts
import { hash, verify } from "@node-rs/argon2";

// server/users/names.ts
var USER_NAME = /^[A-Za-z0-9_.@-]{1,64}$/;
var MIN_PASSWORD = 12;
var MAX_PASSWORD = 256;

// server/users/service.ts
var ARGON2 = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 };
var view3 = (u) => ({
  name: u.name,
  subject: `user:${u.name}`,
  disabled: u.disabled,
  created_at: u.createdAt.toISOString(),
  updated_at: u.updatedAt.toISOString()
});
var cacheKey = (name) => `user:${name}`;
var UserService = class {
  constructor(db, access, audit, cache) {
    this.db = db;
    this.access = access;
    this.audit = audit;
    this.cache = cache;
  }
  db;
  access;
  audit;
  cache;
  dummyHash = null;
  async list(actor) {
    await this.access.require(actor, "admin", "user.list");
    const rows = await this.db.user.findMany({ orderBy: { name: "asc" } });
    await auditSuccess(this.audit, actor, "user.list", { details: { count: rows.length } });
    return rows.map(view3);
  }
  async create(actor, input) {
    await this.access.require(actor, "admin", "user.create");
    checkName(input.name);
    checkPassword(input.password);
    if (await this.db.user.findUnique({ where: { name: input.name } })) {
      throw errors.conflict(`An operator named "${input.name}" already exists.`, "user_exists");
    }
    const row = await this.db.user.create({ data: { id: newId("usr"), name: input.name, passwordHash: await hash(input.password, ARGON2) } });
    await auditSuccess(this.audit, actor, "user.create", { resource: `user:${row.name}` });
    return view3(row);
  }
  async setDisabled(actor, name, disabled) {
    const action = disabled ? "user.disable" : "user.enable";
    await this.access.require(actor, "admin", action);
    const existing = await this.find(name);
    if (disabled && actor.principal.subject === `user:${name}`) throw errors.conflict("You cannot disable yourself.", "user_self");
    const row = await this.db.user.update({ where: { id: existing.id }, data: { disabled } });
    this.cache.clear();
    await auditSuccess(this.audit, actor, action, { resource: `user:${name}` });
    return view3(row);
  }
  async resetPassword(actor, name, password) {
    await this.access.require(actor, "admin", "user.password_reset");
    checkPassword(password);
    const existing = await this.find(name);
    const row = await this.db.user.update({ where: { id: existing.id }, data: { passwordHash: await hash(password, ARGON2) } });
    await auditSuccess(this.audit, actor, "user.password_reset", { resource: `user:${name}` });
    return view3(row);
  }
  /** Sign-in: the same work whether or not the operator exists, so timing tells nothing. */
  async checkPassword(name, password) {
    const row = USER_NAME.test(name) ? await this.db.user.findUnique({ where: { name } }) : null;
    const stored = row?.passwordHash ?? await this.fallbackHash();
    const matches = await verify(stored, password.slice(0, MAX_PASSWORD)).catch(() => false);
    if (!row || !matches) return { ok: false, reason: "invalid" };
    if (row.disabled) return { ok: false, reason: "disabled" };
    const principal = await this.principalOf(row);
    return { ok: true, principal };
  }
  /**
   * The operator's principal for a signed-in session, or null once the operator is
   * disabled or deleted. Cached for the token-cache TTL like token principals.
   */
  async sessionPrincipal(name) {
    const cached = this.cache.get(cacheKey(name));
    if (cached) return cached;
    const row = await this.db.user.findUnique({ where: { name } });
    if (!row || row.disabled) return null;
    return this.principalOf(row);
  }
  async principalOf(row) {
    const subject = `user:${row.name}`;
    const principal = {
      subject,
      kind: "user",
      id: row.id,
      name: row.name,
      isAdmin: false,
      grants: await bindingGrants(this.db, subject),
      rateLimit: null,
      expiresAt: null
    };
    this.cache.set(cacheKey(row.name), principal);
    return principal;
  }
  async find(name) {
    const row = USER_NAME.test(name) ? await this.db.user.findUnique({ where: { name } }) : null;
    if (!row) throw errors.notFound(`Operator "${name}"`, "user_not_found");
    return row;
  }
  fallbackHash() {
    this.dummyHash ??= hash("arcan-no-such-operator", ARGON2);
    return this.dummyHash;
  }
};
function checkName(name) {
  if (!USER_NAME.test(name)) {
    throw errors.invalid("A username is 1 to 64 letters, digits, '.', '_', '@' or '-'.", [{ field: "name", message: "not a valid username" }]);
  }
}
function checkPassword(password) {
  if (password.length < MIN_PASSWORD || password.length > MAX_PASSWORD) {
    throw errors.invalid(`A password is ${MIN_PASSWORD} to ${MAX_PASSWORD} characters long.`, [{ field: "password", message: `at least ${MIN_PASSWORD} characters` }]);
  }
}

// server/webhooks/dispatcher.ts
import { EventEmitter } from "node:events";

// server/webhooks/http-client.ts
import http from "node:http";
import https from "node:https";
import { isIP as isIP2 } from "node:net";

// server/webhooks/ssrf.ts
import { lookup as dnsLookup } from "node:dns";
import { isIP } from "node:net";
function v4ToBigInt(address) {
  return address.split(".").reduce((acc, part) => acc << 8n | BigInt(Number(part)), 0n);
}
function v6ToBigInt(address) {
  let text = address.split("%")[0].toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v42 = v4ToBigInt(dotted[1]);
    text = `${text.slice(0, dotted.index)}${(v42 >> 16n).toString(16)}:${(v42 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split("::");
  const headParts = head ? head.split(":") : [];
  const tailParts = tail ? tail.split(":") : [];
  const missing = 8 - headParts.length - tailParts.length;
  const groups = tail === void 0 ? headParts : [...headParts, ...Array(missing).fill("0"), ...tailParts];
  return groups.reduce((acc, g) => acc << 16n | BigInt(parseInt(g || "0", 16)), 0n);
}
var v4 = (cidr, reason) => {
  const [addr, bits] = cidr.split("/");
  return { base: v4ToBigInt(addr), bits: Number(bits), reason };
};
var v6 = (cidr, reason) => {
  const [addr, bits] = cidr.split("/");
  return { base: v6ToBigInt(addr), bits: Number(bits), reason };
};
var V4_BLOCKED = [
  v4("169.254.169.254/32", "cloud metadata"),
  v4("100.100.100.200/32", "cloud metadata"),
  v4("0.0.0.0/8", "unspecified"),
  v4("10.0.0.0/8", "private"),
  v4("100.64.0.0/10", "shared (carrier-grade NAT)"),
  v4("127.0.0.0/8", "loopback"),
  v4("169.254.0.0/16", "link-local"),
  v4("172.16.0.0/12", "private"),
  v4("192.0.0.0/24", "IETF protocol assignments"),
  v4("192.168.0.0/16", "private"),
  v4("198.18.0.0/15", "benchmarking"),
  v4("224.0.0.0/4", "multicast"),
  v4("240.0.0.0/4", "reserved")
];
var V6_BLOCKED = [
  v6("fd00:ec2::254/128", "cloud metadata"),
  v6("::/128", "unspecified"),
  v6("::1/128", "loopback"),
  v6("::ffff:0:0/96", "IPv4-mapped"),
  v6("::/96", "IPv4-compatible"),
  v6("fc00::/7", "unique-local"),
  v6("fe80::/10", "link-local"),
  v6("fec0::/10", "site-local"),
  v6("ff00::/8", "multicast")
];
var NAT64 = v6("64:ff9b::/96", "NAT64");
function inRange(value, width, range) {
  const shift = BigInt(width - range.bits);
  return value >> shift === range.base >> shift;
}
function blockedReason(address) {
  const family = isIP(address.split("%")[0]);
  if (family === 4) {
    const value = v4ToBigInt(address);
    return V4_BLOCKED.find((r) => inRange(value, 32, r))?.reason ?? null;
  }
  if (family === 6) {
    const value = v6ToBigInt(address);
    const hit = V6_BLOCKED.find((r) => inRange(value, 128, r));
    if (hit) return hit.reason;
    if (inRange(value, 128, NAT64)) {
      const embedded = value & 0xffffffffn;
      const dotted = [24n, 16n, 8n, 0n].map((s) => String(embedded >> s & 0xffn)).join(".");
      const inner = blockedReason(dotted);
      return inner ? `NAT64 of ${inner}` : null;
    }
    return null;
  }
  return "not an IP address";
}
var BlockedAddressError = class extends Error {
  code = "EBLOCKED";
  constructor(host, address, reason) {
    super(`refused: ${host} resolves to ${address} (${reason}); set [webhooks] allow_private_networks = true to allow it`);
  }
};
var guardedLookup = (hostname2, options, callback) => {
  const all = { ...options, all: true };
  dnsLookup(hostname2, all, (err, addresses) => {
    if (err) return callback(err, "", 0);
    for (const a of addresses) {
      const reason = blockedReason(a.address);
      if (reason) return callback(new BlockedAddressError(hostname2, a.address, reason), "", 0);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0];
    if (!first) return callback(Object.assign(new Error(`no address for ${hostname2}`), { code: "ENOTFOUND" }), "", 0);
    callback(null, first.address, first.family);
  });
};

// server/webhooks/http-client.ts
function urlProblem(raw4, allowPrivateNetworks) {
  let url;
  try {
    url = new URL(raw4);
  } catch {
    return "is not a URL";
  }
  if (url.protocol !== "https:" && !(allowPrivateNetworks && url.protocol === "http:")) {
    return allowPrivateNetworks ? "must use http or https" : "must use https";
  }
  if (url.username || url.password) return "must not contain credentials";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (!allowPrivateNetworks && isIP2(host)) {
    const reason = blockedReason(host);
    if (reason) return `points to a ${reason} address`;
  }
  return null;
}
var MAX_SOCKETS = 256;
var WebhookClient = class {
  constructor(options) {
    this.options = options;
  }
  options;
  httpAgent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  httpsAgent = new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  post(rawUrl, headers, body) {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const problem = urlProblem(rawUrl, this.options.allowPrivateNetworks);
    if (problem) return Promise.resolve({ ok: false, statusCode: null, latencyMs: 0, error: `refused: URL ${problem}` });
    const url = new URL(rawUrl);
    const secure = url.protocol === "https:";
    const request = secure ? https.request : http.request;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (result) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...result, latencyMs: elapsed() });
      };
      const req = request(
        url,
        {
          method: "POST",
          agent: secure ? this.httpsAgent : this.httpAgent,
          headers: { ...headers, "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "User-Agent": "Arcan-Webhooks/1" },
          ...this.options.allowPrivateNetworks ? {} : { lookup: guardedLookup }
        },
        (res) => {
          const status = res.statusCode ?? 0;
          res.resume();
          res.once("end", () => {
            const ok = status >= 200 && status < 300;
            const error = ok ? null : status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
            finish({ ok, statusCode: status, error });
          });
          res.once("error", (err) => finish({ ok: false, statusCode: status, error: describe2(err) }));
          res.once("close", () => finish({ ok: false, statusCode: status, error: "connection closed before the answer ended" }));
        }
      );
      const timer = setTimeout(() => {
        req.destroy(new Error(`timed out after ${this.options.timeoutMs} ms`));
      }, this.options.timeoutMs);
      req.once("error", (err) => finish({ ok: false, statusCode: null, error: describe2(err) }));
      req.end(body);
    });
  }
  close() {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
};
function describe2(err) {
  const code = err.code;
  const message = err.message.split("\n")[0] ?? "";
  if (code === "EBLOCKED" || message.startsWith("timed out")) return message;
  return code ? `${code}: ${message}` : message;
}

// server/webhooks/queue.ts
function eventBody(row) {
  return JSON.stringify({ event: row.type, timestamp: row.createdAt.toISOString(), request_id: row.requestId, realm: row.realm, data: JSON.parse(row.data) });
}
var DeliveryQueue = class {
  constructor(db, provider) {
    this.db = db;
    this.provider = provider;
  }
  db;
  provider;
  /** Turns up to `limit` new outbox events into deliveries for every matching enabled endpoint. */
  async fanOut(limit) {
    return this.db.$transaction(async (tx) => {
      const seqs = this.provider === "postgresql" ? (await tx.$queryRaw`SELECT seq FROM "OutboxEvent" WHERE "fannedOut" = false ORDER BY seq LIMIT ${limit} FOR UPDATE SKIP LOCKED`).map((r) => Number(r.seq)) : (await tx.outboxEvent.findMany({ where: { fannedOut: false }, orderBy: { seq: "asc" }, take: limit, select: { seq: true } })).map((r) => r.seq);
      if (seqs.length === 0) return { events: 0, deliveries: 0 };
      const events = await tx.outboxEvent.findMany({ where: { seq: { in: seqs } }, orderBy: { seq: "asc" } });
      const endpoints = (await tx.webhookEndpoint.findMany({ where: { enabled: true }, select: { id: true, events: true } })).map((e) => ({
        id: e.id,
        patterns: JSON.parse(e.events)
      }));
      const now = /* @__PURE__ */ new Date();
      const rows = events.flatMap((ev) => {
        const matching = endpoints.filter((e) => matchesAny(e.patterns, ev.type));
        if (matching.length === 0) return [];
        const payload = eventBody(ev);
        return matching.map((e) => ({ id: newId("msg"), endpointId: e.id, eventId: ev.id, event: ev.type, payload, state: "pending", nextAttemptAt: now }));
      });
      if (rows.length > 0) await tx.webhookDelivery.createMany({ data: rows });
      await tx.outboxEvent.updateMany({ where: { seq: { in: seqs } }, data: { fannedOut: true } });
      return { events: seqs.length, deliveries: rows.length };
    });
  }
  /** Claims up to `limit` due deliveries for `leaseMs`. */
  async claimDue(limit, leaseMs) {
    if (limit <= 0) return [];
    return this.db.$transaction(async (tx) => {
      const now = /* @__PURE__ */ new Date();
      const ids = this.provider === "postgresql" ? (await tx.$queryRaw`SELECT id FROM "WebhookDelivery" WHERE state = 'pending'
                 AND "nextAttemptAt" <= (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
                 AND ("claimedUntil" IS NULL OR "claimedUntil" <= (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC'))
                 ORDER BY "nextAttemptAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED`).map((r) => r.id) : (await tx.webhookDelivery.findMany({
        where: { state: "pending", nextAttemptAt: { lte: now }, OR: [{ claimedUntil: null }, { claimedUntil: { lte: now } }] },
        orderBy: { nextAttemptAt: "asc" },
        take: limit,
        select: { id: true }
      })).map((r) => r.id);
      if (ids.length === 0) return [];
      await tx.webhookDelivery.updateMany({ where: { id: { in: ids } }, data: { claimedUntil: new Date(now.getTime() + leaseMs) } });
      return tx.webhookDelivery.findMany({
        where: { id: { in: ids } },
        select: { id: true, endpointId: true, eventId: true, event: true, payload: true, attempts: true }
      });
    });
  }
  /** When the earliest unclaimed pending delivery is due, or null if none is pending. */
  async nextDue() {
    const r = await this.db.webhookDelivery.aggregate({ where: { state: "pending", claimedUntil: null }, _min: { nextAttemptAt: true } });
    return r._min.nextAttemptAt;
  }
  /** Frees every claim: only for a store no other process uses (SQLite), at start. */
  async releaseAllClaims() {
    await this.db.webhookDelivery.updateMany({ where: { claimedUntil: { not: null } }, data: { claimedUntil: null } });
  }
  /**
   * Stores finished attempts and moves each delivery on: delivered, due again after the
   * schedule's next wait, or dead-lettered after the last retry. `retryDelaysMs[n]` is the
   * wait after the (n+1)th failed attempt.
   */
  async record(outcomes, retryDelaysMs) {
    return this.db.$transaction(async (tx) => {
      const alive = new Set(
        (await tx.webhookDelivery.findMany({ where: { id: { in: outcomes.map((o) => o.delivery.id) } }, select: { id: true } })).map((r) => r.id)
      );
      const recorded = [];
      const now = Date.now();
      const delivered = [];
      for (const o of outcomes) {
        if (!alive.has(o.delivery.id)) continue;
        const attempt = o.delivery.attempts + 1;
        const delay = retryDelaysMs[attempt - 1];
        const state = o.ok ? "delivered" : delay === void 0 ? "dead" : "pending";
        const nextRetryAt = state === "pending" ? new Date(o.startedAt.getTime() + o.latencyMs + delay) : null;
        recorded.push({
          id: newId("att"),
          deliveryId: o.delivery.id,
          endpointId: o.delivery.endpointId,
          event: o.delivery.event,
          attempt,
          statusCode: o.statusCode,
          latencyMs: o.latencyMs,
          error: o.error,
          state,
          nextRetryAt,
          startedAt: o.startedAt
        });
        if (o.ok) delivered.push(o.delivery.id);
        else {
          await tx.webhookDelivery.update({
            where: { id: o.delivery.id },
            data: { state, attempts: attempt, nextAttemptAt: nextRetryAt, claimedUntil: null, lastError: o.error }
          });
        }
      }
      if (recorded.length === 0) return recorded;
      await tx.webhookAttempt.createMany({
        data: recorded.map((r) => ({
          id: r.id,
          deliveryId: r.deliveryId,
          attempt: r.attempt,
          startedAt: r.startedAt,
          statusCode: r.statusCode,
          latencyMs: r.latencyMs,
          error: r.error,
          nextRetryAt: r.nextRetryAt
        }))
      });
      if (delivered.length > 0) {
        await tx.webhookDelivery.updateMany({
          where: { id: { in: delivered } },
          data: { state: "delivered", attempts: { increment: 1 }, nextAttemptAt: null, claimedUntil: null, lastError: null, deliveredAt: new Date(now) }
        });
      }
      return recorded;
    });
  }
};

// server/webhooks/signing.ts
import { createHmac, randomBytes as randomBytes6 } from "node:crypto";
var SECRET_BYTES = 32;
var SECRET_PREFIX = "whsec_";
function generateSigningKey() {
  return randomBytes6(SECRET_BYTES);
}
function formatSecret(key) {
  return SECRET_PREFIX + key.toString("base64");
}
function signatureHeaders(key, webhookId, timestampSeconds, body) {
  const arcan = createHmac("sha256", key).update(body).digest("hex");
  const standard = createHmac("sha256", key).update(`${webhookId}.${timestampSeconds}.${body}`).digest("base64");
  return {
    "X-Arcan-Signature": `sha256=${arcan}`,
    "webhook-id": webhookId,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": `v1,${standard}`
  };
}

// server/webhooks/dispatcher.ts
var FAN_OUT_BATCH = 500;
var STOP_GRACE_MS = 5e3;
var WebhookDispatcher = class {
  constructor(db, provider, kms, outbox, logger, options) {
    this.db = db;
    this.provider = provider;
    this.kms = kms;
    this.outbox = outbox;
    this.logger = logger;
    this.queue = new DeliveryQueue(db, provider);
    this.retryDelaysMs = options.retrySchedule.map((s) => Math.round(s * 1e3));
    this.timeoutMs = options.timeoutMs ?? 1e4;
    this.concurrency = options.concurrency ?? 128;
    this.pollMs = options.pollMs ?? (provider === "postgresql" ? 250 : 1e3);
    this.client = new WebhookClient({ allowPrivateNetworks: options.allowPrivateNetworks, timeoutMs: this.timeoutMs });
    this.attempts.setMaxListeners(0);
  }
  db;
  provider;
  kms;
  outbox;
  logger;
  queue;
  /** Emits "attempt" with a RecordedAttempt after each attempt is stored (live delivery log). */
  attempts = new EventEmitter();
  client;
  retryDelaysMs;
  timeoutMs;
  concurrency;
  pollMs;
  keys = /* @__PURE__ */ new Map();
  inFlight = 0;
  ticking = false;
  again = false;
  started = false;
  stopped = false;
  timer = null;
  outcomes = [];
  flushing = null;
  unsubscribe = null;
  /** Starts the loop; resumes whatever the store says is owed (after a restart or crash). */
  start() {
    if (this.unsubscribe) return;
    this.unsubscribe = this.outbox.onCommit(() => this.wake());
    const ready = this.provider === "sqlite" ? this.queue.releaseAllClaims() : Promise.resolve();
    void ready.catch((err) => this.logger.error({ err: err.message.split("\n")[0] }, "webhook dispatcher: could not release claims")).then(() => {
      this.started = true;
      this.wake();
    });
  }
  /** Stops claiming work and waits (briefly) for running attempts to be recorded. */
  async stop() {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    const deadline = Date.now() + STOP_GRACE_MS;
    while ((this.inFlight > 0 || this.flushing) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.client.close();
  }
  wake() {
    if (!this.started || this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    void this.tick();
  }
  /** Forgets a cached signing key (the endpoint changed or was deleted). */
  forgetKey(endpointId) {
    for (const k of this.keys.keys()) if (k.startsWith(`${endpointId}:`)) this.keys.delete(k);
  }
  async tick() {
    this.ticking = true;
    let delay = this.pollMs;
    try {
      do {
        this.again = false;
        while ((await this.queue.fanOut(FAN_OUT_BATCH)).events === FAN_OUT_BATCH && !this.stopped) ;
        const capacity = this.concurrency - this.inFlight;
        const claimed = await this.queue.claimDue(capacity, this.timeoutMs + 5e3);
        if (claimed.length > 0) await this.launch(claimed);
        if (capacity > 0 && claimed.length === capacity) this.again = true;
      } while (this.again && !this.stopped);
      const due = await this.queue.nextDue();
      if (due && this.inFlight < this.concurrency) delay = Math.min(this.pollMs, Math.max(5, due.getTime() - Date.now()));
    } catch (err) {
      this.logger.error({ err: err.message.split("\n")[0] }, "webhook dispatcher: store error; retrying");
    } finally {
      this.ticking = false;
    }
    if (this.stopped) return;
    if (this.again) return this.wake();
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }
  async launch(claimed) {
    const targets = await this.targets([...new Set(claimed.map((d) => d.endpointId))]);
    for (const delivery of claimed) {
      const target = targets.get(delivery.endpointId);
      if (!target) continue;
      this.inFlight++;
      void this.send(delivery, target);
    }
  }
  async send(delivery, target) {
    const startedAt = /* @__PURE__ */ new Date();
    const headers = signatureHeaders(target.key, delivery.id, Math.floor(startedAt.getTime() / 1e3), delivery.payload);
    const result = await this.client.post(target.url, headers, delivery.payload);
    this.outcomes.push({ delivery, startedAt, ...result });
    this.scheduleFlush();
  }
  scheduleFlush() {
    if (this.flushing) return;
    this.flushing = new Promise((resolve) => setImmediate(resolve)).then(() => this.flush());
  }
  async flush() {
    const batch = this.outcomes.splice(0);
    try {
      const recorded = await this.queue.record(batch, this.retryDelaysMs);
      for (const r of recorded) this.attempts.emit("attempt", r);
    } catch (err) {
      this.logger.error({ err: err.message.split("\n")[0], attempts: batch.length }, "webhook dispatcher: could not record attempts");
    } finally {
      this.inFlight -= batch.length;
      this.flushing = null;
      if (this.outcomes.length > 0) this.scheduleFlush();
      this.wake();
    }
  }
  async targets(ids) {
    const rows = await this.db.webhookEndpoint.findMany({ where: { id: { in: ids } }, select: { id: true, url: true, secretWrapped: true, updatedAt: true } });
    const out = /* @__PURE__ */ new Map();
    for (const row of rows) {
      const cacheKey2 = `${row.id}:${row.updatedAt.getTime()}`;
      let key = this.keys.get(cacheKey2);
      if (!key) {
        key = await this.kms.unwrap(row.secretWrapped, signingKeyContext(row.id));
        this.forgetKey(row.id);
        this.keys.set(cacheKey2, key);
      }
      out.set(row.id, { url: row.url, key });
    }
    return out;
  }
};
function signingKeyContext(endpointId) {
  return `webhook:${endpointId}`;
}

// server/webhooks/views.ts
function endpointView(row) {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: JSON.parse(row.events),
    enabled: row.enabled,
    created_by: row.createdBy,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString()
  };
}
function attemptView(row) {
  return {
    attempt: row.attempt,
    started_at: row.startedAt.toISOString(),
    status_code: row.statusCode,
    latency_ms: row.latencyMs,
    error: row.error,
    next_retry_at: row.nextRetryAt?.toISOString() ?? null
  };
}
function deliveryView(row) {
  return {
    id: row.id,
    endpoint_id: row.endpointId,
    event: row.event,
    event_id: row.eventId,
    state: row.state,
    attempts: row.attempts,
    next_attempt_at: row.state === "pending" ? row.nextAttemptAt?.toISOString() ?? null : null,
    last_error: row.lastError,
    created_at: row.createdAt.toISOString(),
    delivered_at: row.deliveredAt?.toISOString() ?? null,
    attempt_log: [...row.attemptRows].sort((a, b) => a.attempt - b.attempt).map(attemptView)
  };
}
function logEntry(row) {
  return {
    id: row.id,
    delivery_id: row.deliveryId,
    endpoint_id: row.delivery.endpointId,
    endpoint_url: row.delivery.endpoint.url,
    event: row.delivery.event,
    state: row.delivery.state,
    ...attemptView(row)
  };
}

// server/webhooks/service.ts
var WebhookService = class {
  constructor(db, access, audit, kms, outbox, allowPrivateNetworks, onEndpointChanged = () => {
  }) {
    this.db = db;
    this.access = access;
    this.audit = audit;
    this.kms = kms;
    this.outbox = outbox;
    this.allowPrivateNetworks = allowPrivateNetworks;
    this.onEndpointChanged = onEndpointChanged;
  }
  db;
  access;
  audit;
  kms;
  outbox;
  allowPrivateNetworks;
  onEndpointChanged;
  async list(actor) {
    await this.access.require(actor, "webhooks:read", "webhook.list");
    const rows = await this.db.webhookEndpoint.findMany({ orderBy: { createdAt: "asc" } });
    await auditSuccess(this.audit, actor, "webhook.list", { details: { count: rows.length } });
    return rows.map(endpointView);
  }
  async create(actor, input) {
    await this.access.require(actor, "webhooks:manage", "webhook.create");
    this.validate(input);
    const id = newId("whk");
    const key = generateSigningKey();
    const row = await this.db.webhookEndpoint.create({
      data: {
        id,
        url: input.url,
        description: input.description ?? "",
        events: JSON.stringify([...new Set(input.events)]),
        secretWrapped: await this.kms.wrap(key, signingKeyContext(id)),
        kekId: this.kms.keyId,
        enabled: input.enabled ?? true,
        createdBy: actor.principal.subject
      }
    });
    await auditSuccess(this.audit, actor, "webhook.create", { resource: `webhook:${id}`, details: { url: input.url, events: input.events } });
    return { ...endpointView(row), secret: formatSecret(key) };
  }
  async get(actor, id) {
    await this.access.require(actor, "webhooks:read", "webhook.read");
    const row = await this.find(id);
    await auditSuccess(this.audit, actor, "webhook.read", { resource: `webhook:${id}` });
    return endpointView(row);
  }
  async update(actor, id, patch) {
    await this.access.require(actor, "webhooks:manage", "webhook.update");
    const existing = await this.find(id);
    this.validate({ url: patch.url ?? existing.url, events: patch.events ?? JSON.parse(existing.events) });
    const row = await this.db.webhookEndpoint.update({
      where: { id },
      data: {
        ...patch.url !== void 0 ? { url: patch.url } : {},
        ...patch.events !== void 0 ? { events: JSON.stringify([...new Set(patch.events)]) } : {},
        ...patch.description !== void 0 ? { description: patch.description } : {},
        ...patch.enabled !== void 0 ? { enabled: patch.enabled } : {}
      }
    });
    this.onEndpointChanged(id);
    await auditSuccess(this.audit, actor, "webhook.update", { resource: `webhook:${id}`, details: { fields: Object.keys(patch) } });
    return endpointView(row);
  }
  /** Deletes the endpoint with its deliveries (owed ones are dropped). */
  async delete(actor, id) {
    await this.access.require(actor, "webhooks:manage", "webhook.delete");
    const { count } = await this.db.webhookEndpoint.deleteMany({ where: { id } });
    if (count === 0) throw errors.notFound(`Webhook "${id}"`, "webhook_not_found");
    this.onEndpointChanged(id);
    await auditSuccess(this.audit, actor, "webhook.delete", { resource: `webhook:${id}` });
  }
  async deliveries(actor, id, opts) {
    await this.access.require(actor, "webhooks:read", "webhook.deliveries");
    await this.find(id);
    const rows = await this.db.webhookDelivery.findMany({
      where: { endpointId: id, ...opts.state ? { state: opts.state } : {} },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: opts.limit + 1,
      ...opts.cursor ? { cursor: { id: opts.cursor }, skip: 1 } : {},
      include: { attemptRows: true }
    });
    const page = rows.slice(0, opts.limit);
    await auditSuccess(this.audit, actor, "webhook.deliveries", { resource: `webhook:${id}`, details: { count: page.length } });
    return { items: page.map(deliveryView), next_cursor: rows.length > opts.limit ? page[page.length - 1].id : null };
  }
  /** Queues a `ping` event for this endpoint alone; the dispatcher sends it at once. */
  async test(actor, id) {
    await this.access.require(actor, "webhooks:manage", "webhook.test");
    await this.find(id);
    const eventId = newId("evt");
    const payload = JSON.stringify({
      event: PING_EVENT,
      timestamp: (/* @__PURE__ */ new Date()).toISOString(),
      request_id: actor.requestId,
      realm: null,
      data: { webhook_id: id, actor: actor.principal.subject }
    });
    const row = await this.db.webhookDelivery.create({
      data: { id: newId("msg"), endpointId: id, eventId, event: PING_EVENT, payload, state: "pending", nextAttemptAt: /* @__PURE__ */ new Date() },
      include: { attemptRows: true }
    });
    this.outbox.notify();
    await auditSuccess(this.audit, actor, "webhook.test", { resource: `webhook:${id}`, details: { delivery_id: row.id } });
    return deliveryView(row);
  }
  /** Sends a dead-lettered (or delivered) event again, with the same webhook-id and body. */
  async redeliver(actor, id, deliveryId) {
    await this.access.require(actor, "webhooks:manage", "webhook.redeliver");
    await this.find(id);
    const existing = await this.db.webhookDelivery.findFirst({ where: { id: deliveryId, endpointId: id } });
    if (!existing) throw errors.notFound(`Delivery "${deliveryId}"`, "delivery_not_found");
    const { count } = await this.db.webhookDelivery.updateMany({
      where: { id: deliveryId, state: { in: ["dead", "delivered"] } },
      data: { state: "pending", nextAttemptAt: /* @__PURE__ */ new Date() }
    });
    if (count === 0) throw errors.conflict("This delivery is still being attempted.", "delivery_pending");
    this.outbox.notify();
    await auditSuccess(this.audit, actor, "webhook.redeliver", { resource: `webhook:${id}`, details: { delivery_id: deliveryId } });
    const row = await this.db.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId }, include: { attemptRows: true } });
    return deliveryView(row);
  }
  /** Checks the caller may read the delivery log (once per console subscription). */
  async openLog(actor) {
    await this.access.require(actor, "webhooks:read", "webhook.log");
    await auditSuccess(this.audit, actor, "webhook.log");
  }
  /** Attempts, newest first, or only those stored after `afterId`'s attempt (live updates). */
  async log(actor, opts) {
    await this.access.require(actor, "webhooks:read", "webhook.log");
    const rows = await this.db.webhookAttempt.findMany({
      where: {
        ...opts.since ? { startedAt: { gte: opts.since } } : {},
        delivery: { ...opts.endpointId ? { endpointId: opts.endpointId } : {}, ...opts.state ? { state: opts.state } : {} }
      },
      orderBy: [{ startedAt: "desc" }, { id: "desc" }],
      take: opts.limit,
      include: { delivery: { include: { endpoint: true } } }
    });
    return rows.map(logEntry);
  }
  validate(input) {
    const problem = urlProblem(input.url, this.allowPrivateNetworks);
    if (problem) throw errors.invalid(`url ${problem}.`, [{ field: "url", message: problem }]);
    for (const pattern of input.events) {
      const why = patternProblem(pattern);
      if (why) throw errors.invalid(`events: ${why}.`, [{ field: "events", message: why }]);
    }
  }
  async find(id) {
    const row = await this.db.webhookEndpoint.findUnique({ where: { id } });
    if (!row) throw errors.notFound(`Webhook "${id}"`, "webhook_not_found");
    return row;
  }
};

// server/services.ts
function createServices(deps) {
  const { config: config3, store, kms, logger, metrics } = deps;
  const db = store.db;
  const auditWriter = new AuditWriter(store, logger, (depth) => metrics.auditQueueDepth.set(depth));
  const decisions = new DecisionRecorder(db, metrics, logger);
  const realmDirectory = new RealmDirectory(db);
  const access = new AccessGuard(realmDirectory, decisions, auditWriter);
  const keyring = new Keyring(db, kms);
  const tokenCache = new TokenCache(config3.auth.cache_ttl, config3.auth.max_cache_size);
  const outbox = new Outbox(db);
  const { retry_schedule: retrySchedule, allow_private_networks: allowPrivateNetworks } = config3.webhooks;
  const dispatcher = new WebhookDispatcher(db, store.provider, kms, outbox, logger, { retrySchedule, allowPrivateNetworks });
  const syslog = config3.audit.syslog_address ? new SyslogSink(db, store.provider, config3.audit.syslog_address, logger) : null;
  return {
    config: config3,
    store,
    logger,
    metrics,
    auditWriter,
    decisions,
    access,
    keyring,
    tokenCache,
    rateLimiter: new RateLimiter(),
    outbox,
    dispatcher,
    syslog,
    tokens: new TokenService(db, access, auditWriter, tokenCache, metrics, outbox),
    realms: new RealmService(db, access, auditWriter, realmDirectory, keyring, outbox),
    roles: new RoleService(db, access, auditWriter, tokenCache, outbox),
    secrets: new SecretService(db, access, auditWriter, keyring, store.fast, outbox),
    webhooks: new WebhookService(db, access, auditWriter, kms, outbox, allowPrivateNetworks, (id) => dispatcher.forgetKey(id)),
    audit: new AuditService(db, access, auditWriter),
    users: new UserService(db, access, auditWriter, tokenCache),
    /** /ready: the store answers and the key-encryption key is usable. */
    async ready() {
      const [storeOk, keyOk] = await Promise.all([store.ping(), keyring.healthy()]);
      return { store: storeOk, key: keyOk };
    }
  };
}
var GLOBAL_KEY = /* @__PURE__ */ Symbol.for("arcan.services");
function publishServices(services) {
  globalThis[GLOBAL_KEY] = services;
}

// server/store/client.ts
import { mkdir } from "node:fs/promises";
import path9 from "node:path";
import { PrismaBetterSqlite3 as PrismaBetterSqlite32 } from "@prisma/adapter-better-sqlite3";

// server/store/generated/sqlite/client.ts
import * as path5 from "node:path";
import { fileURLToPath } from "node:url";

// server/store/generated/sqlite/internal/class.ts
import * as runtime from "@prisma/client/runtime/client";
var config = {
  "previewFeatures": [],
  "clientVersion": "7.10.1",
  "engineVersion": "d1b3f377ca835d73fd50954a5e22128b9ebdd6b8",
  "activeProvider": "sqlite",
  "inlineSchema": '// Arcan\'s one model definition. The provider line is rewritten to "postgresql" by\n// scripts/prisma.ts to generate the PostgreSQL client and migrations; everything else\n// is shared. JSON-shaped columns are plain strings so both providers behave the same.\n\ngenerator client {\n  provider     = "prisma-client"\n  output       = "../server/store/generated/sqlite"\n  moduleFormat = "esm"\n  runtime      = "nodejs"\n}\n\ndatasource db {\n  provider = "sqlite"\n}\n\nmodel Realm {\n  id          String   @id\n  name        String   @unique\n  description String   @default("")\n  createdAt   DateTime @default(now())\n  updatedAt   DateTime @updatedAt\n\n  keys     RealmKey[]\n  secrets  Secret[]\n  bindings Binding[]\n}\n\n// A realm\'s data-encryption keys, wrapped by the key-encryption key (KMS provider).\nmodel RealmKey {\n  realmId    String\n  version    Int\n  wrappedKey String\n  kekId      String\n  createdAt  DateTime @default(now())\n\n  realm Realm @relation(fields: [realmId], references: [id], onDelete: Cascade)\n\n  @@id([realmId, version])\n}\n\nmodel Token {\n  id           String    @id\n  name         String\n  description  String    @default("")\n  // First characters of the value, for display; never enough to use it.\n  prefix       String\n  hash         String    @unique\n  isAdmin      Boolean   @default(false)\n  capabilities String    @default("[]")\n  realms       String    @default("[]")\n  rateLimit    Int?\n  createdBy    String\n  expiresAt    DateTime?\n  revokedAt    DateTime?\n  lastUsedAt   DateTime?\n  createdAt    DateTime  @default(now())\n  updatedAt    DateTime  @updatedAt\n\n  @@index([createdAt])\n}\n\nmodel User {\n  id           String   @id\n  name         String   @unique\n  passwordHash String\n  disabled     Boolean  @default(false)\n  createdAt    DateTime @default(now())\n  updatedAt    DateTime @updatedAt\n}\n\nmodel Role {\n  id           String   @id\n  name         String   @unique\n  description  String   @default("")\n  capabilities String\n  builtin      Boolean  @default(false)\n  createdAt    DateTime @default(now())\n  updatedAt    DateTime @updatedAt\n\n  bindings Binding[]\n}\n\nmodel Binding {\n  id        String   @id\n  // "user:<name>" or "token:<id>"\n  subject   String\n  roleId    String\n  // null means every realm ("*")\n  realmId   String?\n  createdAt DateTime @default(now())\n\n  role  Role   @relation(fields: [roleId], references: [id], onDelete: Cascade)\n  realm Realm? @relation(fields: [realmId], references: [id], onDelete: Cascade)\n\n  @@unique([subject, roleId, realmId])\n  @@index([subject])\n}\n\nmodel Secret {\n  id             String   @id\n  realmId        String\n  key            String\n  currentVersion Int\n  createdAt      DateTime @default(now())\n  updatedAt      DateTime @updatedAt\n\n  realm    Realm           @relation(fields: [realmId], references: [id], onDelete: Cascade)\n  versions SecretVersion[]\n\n  @@unique([realmId, key])\n}\n\nmodel SecretVersion {\n  secretId   String\n  version    Int\n  // AES-256-GCM: base64 of iv | ciphertext | tag, under the realm key `keyVersion`.\n  ciphertext String\n  keyVersion Int\n  createdBy  String\n  createdAt  DateTime @default(now())\n\n  secret Secret @relation(fields: [secretId], references: [id], onDelete: Cascade)\n\n  @@id([secretId, version])\n}\n\n// Append-only, hash-chained audit log. `seq` orders the chain.\nmodel AuditRecord {\n  seq        Int      @id @default(autoincrement())\n  id         String   @unique\n  time       DateTime\n  requestId  String\n  actor      String\n  action     String\n  realm      String?\n  resource   String?\n  outcome    String\n  status     Int\n  capability String?\n  reason     String?\n  ip         String?\n  details    String   @default("{}")\n  prevHash   String\n  hash       String\n\n  @@index([time])\n  @@index([realm, time])\n  @@index([actor])\n  @@index([action])\n  @@index([requestId])\n}\n\n// Policy-guardian decisions aggregated per minute, for the console\'s lane charts.\nmodel DecisionMinute {\n  id         String   @id\n  minute     DateTime\n  lane       String\n  realm      String\n  capability String\n  subject    String\n  count      Int\n\n  @@unique([minute, lane, realm, capability, subject])\n  @@index([minute])\n}\n\n// Transactional outbox: one row per domain event, written in the same transaction as the\n// change it describes, so an event is never lost and never sent for a rolled-back change.\nmodel OutboxEvent {\n  seq       Int      @id @default(autoincrement())\n  id        String   @unique\n  type      String\n  realm     String?\n  requestId String\n  // JSON object; never secret or token values.\n  data      String\n  createdAt DateTime @default(now())\n  // Set once the dispatcher has created a delivery for every matching endpoint.\n  fannedOut Boolean  @default(false)\n\n  @@index([fannedOut, seq])\n}\n\nmodel WebhookEndpoint {\n  id            String   @id\n  url           String\n  description   String   @default("")\n  // JSON array of event names and "category.*" patterns.\n  events        String\n  // The whsec_ signing key\'s bytes, wrapped by the key-encryption key.\n  secretWrapped String\n  kekId         String\n  enabled       Boolean  @default(true)\n  createdBy     String\n  createdAt     DateTime @default(now())\n  updatedAt     DateTime @updatedAt\n\n  deliveries WebhookDelivery[]\n}\n\n// One event owed to one endpoint. `id` is the webhook-id header on every attempt.\nmodel WebhookDelivery {\n  id            String    @id\n  endpointId    String\n  eventId       String\n  event         String\n  // The exact body sent on every attempt.\n  payload       String\n  // pending | delivered | dead\n  state         String\n  attempts      Int       @default(0)\n  // When the next attempt is due (pending only).\n  nextAttemptAt DateTime?\n  // Set while a process runs an attempt; another may take it over only after this.\n  claimedUntil  DateTime?\n  lastError     String?\n  createdAt     DateTime  @default(now())\n  updatedAt     DateTime  @updatedAt\n  deliveredAt   DateTime?\n\n  endpoint    WebhookEndpoint  @relation(fields: [endpointId], references: [id], onDelete: Cascade)\n  attemptRows WebhookAttempt[]\n\n  @@unique([eventId, endpointId])\n  @@index([state, nextAttemptAt])\n  @@index([endpointId, createdAt])\n}\n\nmodel WebhookAttempt {\n  id          String    @id\n  deliveryId  String\n  attempt     Int\n  startedAt   DateTime\n  // null when no HTTP answer came (refused, timeout, SSRF guard).\n  statusCode  Int?\n  latencyMs   Int\n  error       String?\n  // Set when this attempt failed and another is scheduled.\n  nextRetryAt DateTime?\n\n  delivery WebhookDelivery @relation(fields: [deliveryId], references: [id], onDelete: Cascade)\n\n  @@index([deliveryId])\n  @@index([startedAt])\n}\n\n// Position of a sink that reads the audit log in order (the syslog sink).\nmodel SinkCursor {\n  name      String   @id\n  position  Int\n  updatedAt DateTime @updatedAt\n}\n',
  "runtimeDataModel": {
    "models": {},
    "enums": {},
    "types": {}
  },
  "parameterizationSchema": {
    "strings": [],
    "graph": ""
  }
};
config.runtimeDataModel = JSON.parse('{"models":{"Realm":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"name","kind":"scalar","type":"String"},{"name":"description","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"keys","kind":"object","type":"RealmKey","relationName":"RealmToRealmKey"},{"name":"secrets","kind":"object","type":"Secret","relationName":"RealmToSecret"},{"name":"bindings","kind":"object","type":"Binding","relationName":"BindingToRealm"}],"dbName":null,"schema":null},"RealmKey":{"fields":[{"name":"realmId","kind":"scalar","type":"String"},{"name":"version","kind":"scalar","type":"Int"},{"name":"wrappedKey","kind":"scalar","type":"String"},{"name":"kekId","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"realm","kind":"object","type":"Realm","relationName":"RealmToRealmKey"}],"dbName":null,"schema":null},"Token":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"name","kind":"scalar","type":"String"},{"name":"description","kind":"scalar","type":"String"},{"name":"prefix","kind":"scalar","type":"String"},{"name":"hash","kind":"scalar","type":"String"},{"name":"isAdmin","kind":"scalar","type":"Boolean"},{"name":"capabilities","kind":"scalar","type":"String"},{"name":"realms","kind":"scalar","type":"String"},{"name":"rateLimit","kind":"scalar","type":"Int"},{"name":"createdBy","kind":"scalar","type":"String"},{"name":"expiresAt","kind":"scalar","type":"DateTime"},{"name":"revokedAt","kind":"scalar","type":"DateTime"},{"name":"lastUsedAt","kind":"scalar","type":"DateTime"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"}],"dbName":null,"schema":null},"User":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"name","kind":"scalar","type":"String"},{"name":"passwordHash","kind":"scalar","type":"String"},{"name":"disabled","kind":"scalar","type":"Boolean"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"}],"dbName":null,"schema":null},"Role":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"name","kind":"scalar","type":"String"},{"name":"description","kind":"scalar","type":"String"},{"name":"capabilities","kind":"scalar","type":"String"},{"name":"builtin","kind":"scalar","type":"Boolean"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"bindings","kind":"object","type":"Binding","relationName":"BindingToRole"}],"dbName":null,"schema":null},"Binding":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"subject","kind":"scalar","type":"String"},{"name":"roleId","kind":"scalar","type":"String"},{"name":"realmId","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"role","kind":"object","type":"Role","relationName":"BindingToRole"},{"name":"realm","kind":"object","type":"Realm","relationName":"BindingToRealm"}],"dbName":null,"schema":null},"Secret":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"realmId","kind":"scalar","type":"String"},{"name":"key","kind":"scalar","type":"String"},{"name":"currentVersion","kind":"scalar","type":"Int"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"realm","kind":"object","type":"Realm","relationName":"RealmToSecret"},{"name":"versions","kind":"object","type":"SecretVersion","relationName":"SecretToSecretVersion"}],"dbName":null,"schema":null},"SecretVersion":{"fields":[{"name":"secretId","kind":"scalar","type":"String"},{"name":"version","kind":"scalar","type":"Int"},{"name":"ciphertext","kind":"scalar","type":"String"},{"name":"keyVersion","kind":"scalar","type":"Int"},{"name":"createdBy","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"secret","kind":"object","type":"Secret","relationName":"SecretToSecretVersion"}],"dbName":null,"schema":null},"AuditRecord":{"fields":[{"name":"seq","kind":"scalar","type":"Int"},{"name":"id","kind":"scalar","type":"String"},{"name":"time","kind":"scalar","type":"DateTime"},{"name":"requestId","kind":"scalar","type":"String"},{"name":"actor","kind":"scalar","type":"String"},{"name":"action","kind":"scalar","type":"String"},{"name":"realm","kind":"scalar","type":"String"},{"name":"resource","kind":"scalar","type":"String"},{"name":"outcome","kind":"scalar","type":"String"},{"name":"status","kind":"scalar","type":"Int"},{"name":"capability","kind":"scalar","type":"String"},{"name":"reason","kind":"scalar","type":"String"},{"name":"ip","kind":"scalar","type":"String"},{"name":"details","kind":"scalar","type":"String"},{"name":"prevHash","kind":"scalar","type":"String"},{"name":"hash","kind":"scalar","type":"String"}],"dbName":null,"schema":null},"DecisionMinute":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"minute","kind":"scalar","type":"DateTime"},{"name":"lane","kind":"scalar","type":"String"},{"name":"realm","kind":"scalar","type":"String"},{"name":"capability","kind":"scalar","type":"String"},{"name":"subject","kind":"scalar","type":"String"},{"name":"count","kind":"scalar","type":"Int"}],"dbName":null,"schema":null},"OutboxEvent":{"fields":[{"name":"seq","kind":"scalar","type":"Int"},{"name":"id","kind":"scalar","type":"String"},{"name":"type","kind":"scalar","type":"String"},{"name":"realm","kind":"scalar","type":"String"},{"name":"requestId","kind":"scalar","type":"String"},{"name":"data","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"fannedOut","kind":"scalar","type":"Boolean"}],"dbName":null,"schema":null},"WebhookEndpoint":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"url","kind":"scalar","type":"String"},{"name":"description","kind":"scalar","type":"String"},{"name":"events","kind":"scalar","type":"String"},{"name":"secretWrapped","kind":"scalar","type":"String"},{"name":"kekId","kind":"scalar","type":"String"},{"name":"enabled","kind":"scalar","type":"Boolean"},{"name":"createdBy","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"deliveries","kind":"object","type":"WebhookDelivery","relationName":"WebhookDeliveryToWebhookEndpoint"}],"dbName":null,"schema":null},"WebhookDelivery":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"endpointId","kind":"scalar","type":"String"},{"name":"eventId","kind":"scalar","type":"String"},{"name":"event","kind":"scalar","type":"String"},{"name":"payload","kind":"scalar","type":"String"},{"name":"state","kind":"scalar","type":"String"},{"name":"attempts","kind":"scalar","type":"Int"},{"name":"nextAttemptAt","kind":"scalar","type":"DateTime"},{"name":"claimedUntil","kind":"scalar","type":"DateTime"},{"name":"lastError","kind":"scalar","type":"String"},{"name":"createdAt","kind":"scalar","type":"DateTime"},{"name":"updatedAt","kind":"scalar","type":"DateTime"},{"name":"deliveredAt","kind":"scalar","type":"DateTime"},{"name":"endpoint","kind":"object","type":"WebhookEndpoint","relationName":"WebhookDeliveryToWebhookEndpoint"},{"name":"attemptRows","kind":"object","type":"WebhookAttempt","relationName":"WebhookAttemptToWebhookDelivery"}],"dbName":null,"schema":null},"WebhookAttempt":{"fields":[{"name":"id","kind":"scalar","type":"String"},{"name":"deliveryId","kind":"scalar","type":"String"},{"name":"attempt","kind":"scalar","type":"Int"},{"name":"startedAt","kind":"scalar","type":"DateTime"},{"name":"statusCode","kind":"scalar","type":"Int"},{"name":"latencyMs","kind":"scalar","type":"Int"},{"name":"error","kind":"scalar","type":"String"},{"name":"nextRetryAt","kind":"scalar","type":"DateTime"},{"name":"delivery","kind":"object","type":"WebhookDelivery","relationName":"WebhookAttemptToWebhookDelivery"}],"dbName":null,"schema":null},"SinkCursor":{"fields":[{"name":"name","kind":"scalar","type":"String"},{"name":"position","kind":"scalar","type":"Int"},{"name":"updatedAt","kind":"scalar","type":"DateTime"}],"dbName":null,"schema":null}},"enums":{},"types":{}}');
config.parameterizationSchema = {
  strings: JSON.parse('["where","orderBy","cursor","realm","keys","secret","versions","_count","secrets","bindings","role","Realm.findUnique","Realm.findUniqueOrThrow","Realm.findFirst","Realm.findFirstOrThrow","Realm.findMany","data","Realm.createOne","Realm.createMany","Realm.createManyAndReturn","Realm.updateOne","Realm.updateMany","Realm.updateManyAndReturn","create","update","Realm.upsertOne","Realm.deleteOne","Realm.deleteMany","having","_min","_max","Realm.groupBy","Realm.aggregate","RealmKey.findUnique","RealmKey.findUniqueOrThrow","RealmKey.findFirst","RealmKey.findFirstOrThrow","RealmKey.findMany","RealmKey.createOne","RealmKey.createMany","RealmKey.createManyAndReturn","RealmKey.updateOne","RealmKey.updateMany","RealmKey.updateManyAndReturn","RealmKey.upsertOne","RealmKey.deleteOne","RealmKey.deleteMany","_avg","_sum","RealmKey.groupBy","RealmKey.aggregate","Token.findUnique","Token.findUniqueOrThrow","Token.findFirst","Token.findFirstOrThrow","Token.findMany","Token.createOne","Token.createMany","Token.createManyAndReturn","Token.updateOne","Token.updateMany","Token.updateManyAndReturn","Token.upsertOne","Token.deleteOne","Token.deleteMany","Token.groupBy","Token.aggregate","User.findUnique","User.findUniqueOrThrow","User.findFirst","User.findFirstOrThrow","User.findMany","User.createOne","User.createMany","User.createManyAndReturn","User.updateOne","User.updateMany","User.updateManyAndReturn","User.upsertOne","User.deleteOne","User.deleteMany","User.groupBy","User.aggregate","Role.findUnique","Role.findUniqueOrThrow","Role.findFirst","Role.findFirstOrThrow","Role.findMany","Role.createOne","Role.createMany","Role.createManyAndReturn","Role.updateOne","Role.updateMany","Role.updateManyAndReturn","Role.upsertOne","Role.deleteOne","Role.deleteMany","Role.groupBy","Role.aggregate","Binding.findUnique","Binding.findUniqueOrThrow","Binding.findFirst","Binding.findFirstOrThrow","Binding.findMany","Binding.createOne","Binding.createMany","Binding.createManyAndReturn","Binding.updateOne","Binding.updateMany","Binding.updateManyAndReturn","Binding.upsertOne","Binding.deleteOne","Binding.deleteMany","Binding.groupBy","Binding.aggregate","Secret.findUnique","Secret.findUniqueOrThrow","Secret.findFirst","Secret.findFirstOrThrow","Secret.findMany","Secret.createOne","Secret.createMany","Secret.createManyAndReturn","Secret.updateOne","Secret.updateMany","Secret.updateManyAndReturn","Secret.upsertOne","Secret.deleteOne","Secret.deleteMany","Secret.groupBy","Secret.aggregate","SecretVersion.findUnique","SecretVersion.findUniqueOrThrow","SecretVersion.findFirst","SecretVersion.findFirstOrThrow","SecretVersion.findMany","SecretVersion.createOne","SecretVersion.createMany","SecretVersion.createManyAndReturn","SecretVersion.updateOne","SecretVersion.updateMany","SecretVersion.updateManyAndReturn","SecretVersion.upsertOne","SecretVersion.deleteOne","SecretVersion.deleteMany","SecretVersion.groupBy","SecretVersion.aggregate","AuditRecord.findUnique","AuditRecord.findUniqueOrThrow","AuditRecord.findFirst","AuditRecord.findFirstOrThrow","AuditRecord.findMany","AuditRecord.createOne","AuditRecord.createMany","AuditRecord.createManyAndReturn","AuditRecord.updateOne","AuditRecord.updateMany","AuditRecord.updateManyAndReturn","AuditRecord.upsertOne","AuditRecord.deleteOne","AuditRecord.deleteMany","AuditRecord.groupBy","AuditRecord.aggregate","DecisionMinute.findUnique","DecisionMinute.findUniqueOrThrow","DecisionMinute.findFirst","DecisionMinute.findFirstOrThrow","DecisionMinute.findMany","DecisionMinute.createOne","DecisionMinute.createMany","DecisionMinute.createManyAndReturn","DecisionMinute.updateOne","DecisionMinute.updateMany","DecisionMinute.updateManyAndReturn","DecisionMinute.upsertOne","DecisionMinute.deleteOne","DecisionMinute.deleteMany","DecisionMinute.groupBy","DecisionMinute.aggregate","OutboxEvent.findUnique","OutboxEvent.findUniqueOrThrow","OutboxEvent.findFirst","OutboxEvent.findFirstOrThrow","OutboxEvent.findMany","OutboxEvent.createOne","OutboxEvent.createMany","OutboxEvent.createManyAndReturn","OutboxEvent.updateOne","OutboxEvent.updateMany","OutboxEvent.updateManyAndReturn","OutboxEvent.upsertOne","OutboxEvent.deleteOne","OutboxEvent.deleteMany","OutboxEvent.groupBy","OutboxEvent.aggregate","endpoint","delivery","attemptRows","deliveries","WebhookEndpoint.findUnique","WebhookEndpoint.findUniqueOrThrow","WebhookEndpoint.findFirst","WebhookEndpoint.findFirstOrThrow","WebhookEndpoint.findMany","WebhookEndpoint.createOne","WebhookEndpoint.createMany","WebhookEndpoint.createManyAndReturn","WebhookEndpoint.updateOne","WebhookEndpoint.updateMany","WebhookEndpoint.updateManyAndReturn","WebhookEndpoint.upsertOne","WebhookEndpoint.deleteOne","WebhookEndpoint.deleteMany","WebhookEndpoint.groupBy","WebhookEndpoint.aggregate","WebhookDelivery.findUnique","WebhookDelivery.findUniqueOrThrow","WebhookDelivery.findFirst","WebhookDelivery.findFirstOrThrow","WebhookDelivery.findMany","WebhookDelivery.createOne","WebhookDelivery.createMany","WebhookDelivery.createManyAndReturn","WebhookDelivery.updateOne","WebhookDelivery.updateMany","WebhookDelivery.updateManyAndReturn","WebhookDelivery.upsertOne","WebhookDelivery.deleteOne","WebhookDelivery.deleteMany","WebhookDelivery.groupBy","WebhookDelivery.aggregate","WebhookAttempt.findUnique","WebhookAttempt.findUniqueOrThrow","WebhookAttempt.findFirst","WebhookAttempt.findFirstOrThrow","WebhookAttempt.findMany","WebhookAttempt.createOne","WebhookAttempt.createMany","WebhookAttempt.createManyAndReturn","WebhookAttempt.updateOne","WebhookAttempt.updateMany","WebhookAttempt.updateManyAndReturn","WebhookAttempt.upsertOne","WebhookAttempt.deleteOne","WebhookAttempt.deleteMany","WebhookAttempt.groupBy","WebhookAttempt.aggregate","SinkCursor.findUnique","SinkCursor.findUniqueOrThrow","SinkCursor.findFirst","SinkCursor.findFirstOrThrow","SinkCursor.findMany","SinkCursor.createOne","SinkCursor.createMany","SinkCursor.createManyAndReturn","SinkCursor.updateOne","SinkCursor.updateMany","SinkCursor.updateManyAndReturn","SinkCursor.upsertOne","SinkCursor.deleteOne","SinkCursor.deleteMany","SinkCursor.groupBy","SinkCursor.aggregate","AND","OR","NOT","name","position","updatedAt","equals","in","notIn","lt","lte","gt","gte","not","contains","startsWith","endsWith","id","deliveryId","attempt","startedAt","statusCode","latencyMs","error","nextRetryAt","endpointId","eventId","event","payload","state","attempts","nextAttemptAt","claimedUntil","lastError","createdAt","deliveredAt","url","description","events","secretWrapped","kekId","enabled","createdBy","every","some","none","eventId_endpointId","seq","type","requestId","fannedOut","minute","lane","capability","subject","count","minute_lane_realm_capability_subject","time","actor","action","resource","outcome","status","reason","ip","details","prevHash","hash","secretId","version","ciphertext","keyVersion","realmId","key","currentVersion","roleId","capabilities","builtin","passwordHash","disabled","prefix","isAdmin","realms","rateLimit","expiresAt","revokedAt","lastUsedAt","wrappedKey","subject_roleId_realmId","secretId_version","realmId_key","realmId_version","is","isNot","connectOrCreate","upsert","createMany","set","disconnect","delete","connect","updateMany","deleteMany","increment","decrement","multiply","divide"]'),
  graph: "wQWSAfABCwQAAMgDACAIAADJAwAgCQAAwAMAIIcCAADHAwAwiAIAABYAEIkCAADHAwAwigIBAAAAAYwCQACXAwAhmAIBAAAAAakCQACXAwAhrAIBAJUDACEBAAAAAQAgCQMAANMDACCHAgAA1gMAMIgCAAADABCJAgAA1gMAMKkCQACXAwAhrwIBAJUDACHMAgIAlgMAIc8CAQCVAwAh3gIBAJUDACEBAwAAlQUAIAoDAADTAwAghwIAANYDADCIAgAAAwAQiQIAANYDADCpAkAAlwMAIa8CAQCVAwAhzAICAJYDACHPAgEAlQMAId4CAQCVAwAh4gIAANUDACADAAAAAwAgAQAABAAwAgAABQAgCwMAANMDACAGAADUAwAghwIAANIDADCIAgAABwAQiQIAANIDADCMAkAAlwMAIZgCAQCVAwAhqQJAAJcDACHPAgEAlQMAIdACAQCVAwAh0QICAJYDACECAwAAlQUAIAYAAJcFACAMAwAA0wMAIAYAANQDACCHAgAA0gMAMIgCAAAHABCJAgAA0gMAMIwCQACXAwAhmAIBAAAAAakCQACXAwAhzwIBAJUDACHQAgEAlQMAIdECAgCWAwAh4QIAANEDACADAAAABwAgAQAACAAwAgAACQAgCgUAANADACCHAgAAzwMAMIgCAAALABCJAgAAzwMAMKkCQACXAwAhsQIBAJUDACHLAgEAlQMAIcwCAgCWAwAhzQIBAJUDACHOAgIAlgMAIQEFAACWBQAgCwUAANADACCHAgAAzwMAMIgCAAALABCJAgAAzwMAMKkCQACXAwAhsQIBAJUDACHLAgEAlQMAIcwCAgCWAwAhzQIBAJUDACHOAgIAlgMAIeACAADOAwAgAwAAAAsAIAEAAAwAMAIAAA0AIAEAAAALACAKAwAAzQMAIAoAAMwDACCHAgAAywMAMIgCAAAQABCJAgAAywMAMJgCAQCVAwAhqQJAAJcDACG9AgEAlQMAIc8CAQCtAwAh0gIBAJUDACEDAwAAlQUAIAoAAJQFACDPAgAA3wMAIAsDAADNAwAgCgAAzAMAIIcCAADLAwAwiAIAABAAEIkCAADLAwAwmAIBAAAAAakCQACXAwAhvQIBAJUDACHPAgEArQMAIdICAQCVAwAh3wIAAMoDACADAAAAEAAgAQAAEQAwAgAAEgAgAwAAABAAIAEAABEAMAIAABIAIAEAAAAQACALBAAAyAMAIAgAAMkDACAJAADAAwAghwIAAMcDADCIAgAAFgAQiQIAAMcDADCKAgEAlQMAIYwCQACXAwAhmAIBAJUDACGpAkAAlwMAIawCAQCVAwAhAQAAABYAIAEAAAADACABAAAABwAgAQAAABAAIAEAAAABACADBAAAkgUAIAgAAJMFACAJAADYBAAgAwAAABYAIAEAABwAMAIAAAEAIAMAAAAWACABAAAcADACAAABACADAAAAFgAgAQAAHAAwAgAAAQAgCAQAAI8FACAIAACQBQAgCQAAkQUAIIoCAQAAAAGMAkAAAAABmAIBAAAAAakCQAAAAAGsAgEAAAABARAAACAAIAWKAgEAAAABjAJAAAAAAZgCAQAAAAGpAkAAAAABrAIBAAAAAQEQAAAiADABEAAAIgAwCAQAAOsEACAIAADsBAAgCQAA7QQAIIoCAQDcAwAhjAJAAN4DACGYAgEA3AMAIakCQADeAwAhrAIBANwDACECAAAAAQAgEAAAJQAgBYoCAQDcAwAhjAJAAN4DACGYAgEA3AMAIakCQADeAwAhrAIBANwDACECAAAAFgAgEAAAJwAgAgAAABYAIBAAACcAIAMAAAABACAXAAAgACAYAAAlACABAAAAAQAgAQAAABYAIAMHAADoBAAgHQAA6gQAIB4AAOkEACAIhwIAAMYDADCIAgAALgAQiQIAAMYDADCKAgEAigMAIYwCQACMAwAhmAIBAIoDACGpAkAAjAMAIawCAQCKAwAhAwAAABYAIAEAAC0AMBwAAC4AIAMAAAAWACABAAAcADACAAABACABAAAABQAgAQAAAAUAIAMAAAADACABAAAEADACAAAFACADAAAAAwAgAQAABAAwAgAABQAgAwAAAAMAIAEAAAQAMAIAAAUAIAYDAADnBAAgqQJAAAAAAa8CAQAAAAHMAgIAAAABzwIBAAAAAd4CAQAAAAEBEAAANgAgBakCQAAAAAGvAgEAAAABzAICAAAAAc8CAQAAAAHeAgEAAAABARAAADgAMAEQAAA4ADAGAwAA5gQAIKkCQADeAwAhrwIBANwDACHMAgIA3QMAIc8CAQDcAwAh3gIBANwDACECAAAABQAgEAAAOwAgBakCQADeAwAhrwIBANwDACHMAgIA3QMAIc8CAQDcAwAh3gIBANwDACECAAAAAwAgEAAAPQAgAgAAAAMAIBAAAD0AIAMAAAAFACAXAAA2ACAYAAA7ACABAAAABQAgAQAAAAMAIAUHAADhBAAgHQAA5AQAIB4AAOMEACAvAADiBAAgMAAA5QQAIAiHAgAAxQMAMIgCAABEABCJAgAAxQMAMKkCQACMAwAhrwIBAIoDACHMAgIAiwMAIc8CAQCKAwAh3gIBAIoDACEDAAAAAwAgAQAAQwAwHAAARAAgAwAAAAMAIAEAAAQAMAIAAAUAIBKHAgAAxAMAMIgCAABKABCJAgAAxAMAMIoCAQCVAwAhjAJAAJcDACGYAgEAAAABqQJAAJcDACGsAgEAlQMAIbECAQCVAwAhygIBAAAAAdMCAQCVAwAh1wIBAJUDACHYAiAAqQMAIdkCAQCVAwAh2gICAKwDACHbAkAArgMAIdwCQACuAwAh3QJAAK4DACEBAAAARwAgAQAAAEcAIBKHAgAAxAMAMIgCAABKABCJAgAAxAMAMIoCAQCVAwAhjAJAAJcDACGYAgEAlQMAIakCQACXAwAhrAIBAJUDACGxAgEAlQMAIcoCAQCVAwAh0wIBAJUDACHXAgEAlQMAIdgCIACpAwAh2QIBAJUDACHaAgIArAMAIdsCQACuAwAh3AJAAK4DACHdAkAArgMAIQTaAgAA3wMAINsCAADfAwAg3AIAAN8DACDdAgAA3wMAIAMAAABKACABAABLADACAABHACADAAAASgAgAQAASwAwAgAARwAgAwAAAEoAIAEAAEsAMAIAAEcAIA-KAgEAAAABjAJAAAAAAZgCAQAAAAGpAkAAAAABrAIBAAAAAbECAQAAAAHKAgEAAAAB0wIBAAAAAdcCAQAAAAHYAiAAAAAB2QIBAAAAAdoCAgAAAAHbAkAAAAAB3AJAAAAAAd0CQAAAAAEBEAAATwAgD4oCAQAAAAGMAkAAAAABmAIBAAAAAakCQAAAAAGsAgEAAAABsQIBAAAAAcoCAQAAAAHTAgEAAAAB1wIBAAAAAdgCIAAAAAHZAgEAAAAB2gICAAAAAdsCQAAAAAHcAkAAAAAB3QJAAAAAAQEQAABRADABEAAAUQAwD4oCAQDcAwAhjAJAAN4DACGYAgEA3AMAIakCQADeAwAhrAIBANwDACGxAgEA3AMAIcoCAQDcAwAh0wIBANwDACHXAgEA3AMAIdgCIACCBAAh2QIBANwDACHaAgIA5QMAIdsCQADnAwAh3AJAAOcDACHdAkAA5wMAIQIAAABHACAQAABUACAPigIBANwDACGMAkAA3gMAIZgCAQDcAwAhqQJAAN4DACGsAgEA3AMAIbECAQDcAwAhygIBANwDACHTAgEA3AMAIdcCAQDcAwAh2AIgAIIEACHZAgEA3AMAIdoCAgDlAwAh2wJAAOcDACHcAkAA5wMAId0CQADnAwAhAgAAAEoAIBAAAFYAIAIAAABKACAQAABWACADAAAARwAgFwAATwAgGAAAVAAgAQAAAEcAIAEAAABKACAJBwAA3AQAIB0AAN8EACAeAADeBAAgLwAA3QQAIDAAAOAEACDaAgAA3wMAINsCAADfAwAg3AIAAN8DACDdAgAA3wMAIBKHAgAAwwMAMIgCAABdABCJAgAAwwMAMIoCAQCKAwAhjAJAAIwDACGYAgEAigMAIakCQACMAwAhrAIBAIoDACGxAgEAigMAIcoCAQCKAwAh0wIBAIoDACHXAgEAigMAIdgCIAClAwAh2QIBAIoDACHaAgIAmQMAIdsCQACbAwAh3AJAAJsDACHdAkAAmwMAIQMAAABKACABAABcADAcAABdACADAAAASgAgAQAASwAwAgAARwAgCYcCAADCAwAwiAIAAGMAEIkCAADCAwAwigIBAAAAAYwCQACXAwAhmAIBAAAAAakCQACXAwAh1QIBAJUDACHWAiAAqQMAIQEAAABgACABAAAAYAAgCYcCAADCAwAwiAIAAGMAEIkCAADCAwAwigIBAJUDACGMAkAAlwMAIZgCAQCVAwAhqQJAAJcDACHVAgEAlQMAIdYCIACpAwAhAAMAAABjACABAABkADACAABgACADAAAAYwAgAQAAZAAwAgAAYAAgAwAAAGMAIAEAAGQAMAIAAGAAIAaKAgEAAAABjAJAAAAAAZgCAQAAAAGpAkAAAAAB1QIBAAAAAdYCIAAAAAEBEAAAaAAgBooCAQAAAAGMAkAAAAABmAIBAAAAAakCQAAAAAHVAgEAAAAB1gIgAAAAAQEQAABqADABEAAAagAwBooCAQDcAwAhjAJAAN4DACGYAgEA3AMAIakCQADeAwAh1QIBANwDACHWAiAAggQAIQIAAABgACAQAABtACAGigIBANwDACGMAkAA3gMAIZgCAQDcAwAhqQJAAN4DACHVAgEA3AMAIdYCIACCBAAhAgAAAGMAIBAAAG8AIAIAAABjACAQAABvACADAAAAYAAgFwAAaAAgGAAAbQAgAQAAAGAAIAEAAABjACADBwAA2QQAIB0AANsEACAeAADaBAAgCYcCAADBAwAwiAIAAHYAEIkCAADBAwAwigIBAIoDACGMAkAAjAMAIZgCAQCKAwAhqQJAAIwDACHVAgEAigMAIdYCIAClAwAhAwAAAGMAIAEAAHUAMBwAAHYAIAMAAABjACABAABkADACAABgACALCQAAwAMAIIcCAAC_AwAwiAIAAHwAEIkCAAC_AwAwigIBAAAAAYwCQACXAwAhmAIBAAAAAakCQACXAwAhrAIBAJUDACHTAgEAlQMAIdQCIACpAwAhAQAAAHkAIAEAAAB5ACALCQAAwAMAIIcCAAC_AwAwiAIAAHwAEIkCAAC_AwAwigIBAJUDACGMAkAAlwMAIZgCAQCVAwAhqQJAAJcDACGsAgEAlQMAIdMCAQCVAwAh1AIgAKkDACEBCQAA2AQAIAMAAAB8ACABAAB9ADACAAB5ACADAAAAfAAgAQAAfQAwAgAAeQAgAwAAAHwAIAEAAH0AMAIAAHkAIAgJAADXBAAgigIBAAAAAYwCQAAAAAGYAgEAAAABqQJAAAAAAawCAQAAAAHTAgEAAAAB1AIgAAAAAQEQAACBAQAgB4oCAQAAAAGMAkAAAAABmAIBAAAAAakCQAAAAAGsAgEAAAAB0wIBAAAAAdQCIAAAAAEBEAAAgwEAMAEQAACDAQAwCAkAAMoEACCKAgEA3AMAIYwCQADeAwAhmAIBANwDACGpAkAA3gMAIawCAQDcAwAh0wIBANwDACHUAiAAggQAIQIAAAB5ACAQAACGAQAgB4oCAQDcAwAhjAJAAN4DACGYAgEA3AMAIakCQADeAwAhrAIBANwDACHTAgEA3AMAIdQCIACCBAAhAgAAAHwAIBAAAIgBACACAAAAfAAgEAAAiAEAIAMAAAB5ACAXAACBAQAgGAAAhgEAIAEAAAB5ACABAAAAfAAgAwcAAMcEACAdAADJBAAgHgAAyAQAIAqHAgAAvgMAMIgCAACPAQAQiQIAAL4DADCKAgEAigMAIYwCQACMAwAhmAIBAIoDACGpAkAAjAMAIawCAQCKAwAh0wIBAIoDACHUAiAApQMAIQMAAAB8ACABAACOAQAwHAAAjwEAIAMAAAB8ACABAAB9ADACAAB5ACABAAAAEgAgAQAAABIAIAMAAAAQACABAAARADACAAASACADAAAAEAAgAQAAEQAwAgAAEgAgAwAAABAAIAEAABEAMAIAABIAIAcDAADGBAAgCgAAxQQAIJgCAQAAAAGpAkAAAAABvQIBAAAAAc8CAQAAAAHSAgEAAAABARAAAJcBACAFmAIBAAAAAakCQAAAAAG9AgEAAAABzwIBAAAAAdICAQAAAAEBEAAAmQEAMAEQAACZAQAwAQAAABYAIAcDAADEBAAgCgAAwwQAIJgCAQDcAwAhqQJAAN4DACG9AgEA3AMAIc8CAQDmAwAh0gIBANwDACECAAAAEgAgEAAAnQEAIAWYAgEA3AMAIakCQADeAwAhvQIBANwDACHPAgEA5gMAIdICAQDcAwAhAgAAABAAIBAAAJ8BACACAAAAEAAgEAAAnwEAIAEAAAAWACADAAAAEgAgFwAAlwEAIBgAAJ0BACABAAAAEgAgAQAAABAAIAQHAADABAAgHQAAwgQAIB4AAMEEACDPAgAA3wMAIAiHAgAAvQMAMIgCAACnAQAQiQIAAL0DADCYAgEAigMAIakCQACMAwAhvQIBAIoDACHPAgEAmgMAIdICAQCKAwAhAwAAABAAIAEAAKYBADAcAACnAQAgAwAAABAAIAEAABEAMAIAABIAIAEAAAAJACABAAAACQAgAwAAAAcAIAEAAAgAMAIAAAkAIAMAAAAHACABAAAIADACAAAJACADAAAABwAgAQAACAAwAgAACQAgCAMAAL4EACAGAAC_BAAgjAJAAAAAAZgCAQAAAAGpAkAAAAABzwIBAAAAAdACAQAAAAHRAgIAAAABARAAAK8BACAGjAJAAAAAAZgCAQAAAAGpAkAAAAABzwIBAAAAAdACAQAAAAHRAgIAAAABARAAALEBADABEAAAsQEAMAgDAACwBAAgBgAAsQQAIIwCQADeAwAhmAIBANwDACGpAkAA3gMAIc8CAQDcAwAh0AIBANwDACHRAgIA3QMAIQIAAAAJACAQAAC0AQAgBowCQADeAwAhmAIBANwDACGpAkAA3gMAIc8CAQDcAwAh0AIBANwDACHRAgIA3QMAIQIAAAAHACAQAAC2AQAgAgAAAAcAIBAAALYBACADAAAACQAgFwAArwEAIBgAALQBACABAAAACQAgAQAAAAcAIAUHAACrBAAgHQAArgQAIB4AAK0EACAvAACsBAAgMAAArwQAIAmHAgAAvAMAMIgCAAC9AQAQiQIAALwDADCMAkAAjAMAIZgCAQCKAwAhqQJAAIwDACHPAgEAigMAIdACAQCKAwAh0QICAIsDACEDAAAABwAgAQAAvAEAMBwAAL0BACADAAAABwAgAQAACAAwAgAACQAgAQAAAA0AIAEAAAANACADAAAACwAgAQAADAAwAgAADQAgAwAAAAsAIAEAAAwAMAIAAA0AIAMAAAALACABAAAMADACAAANACAHBQAAqgQAIKkCQAAAAAGxAgEAAAABywIBAAAAAcwCAgAAAAHNAgEAAAABzgICAAAAAQEQAADFAQAgBqkCQAAAAAGxAgEAAAABywIBAAAAAcwCAgAAAAHNAgEAAAABzgICAAAAAQEQAADHAQAwARAAAMcBADAHBQAAqQQAIKkCQADeAwAhsQIBANwDACHLAgEA3AMAIcwCAgDdAwAhzQIBANwDACHOAgIA3QMAIQIAAAANACAQAADKAQAgBqkCQADeAwAhsQIBANwDACHLAgEA3AMAIcwCAgDdAwAhzQIBANwDACHOAgIA3QMAIQIAAAALACAQAADMAQAgAgAAAAsAIBAAAMwBACADAAAADQAgFwAAxQEAIBgAAMoBACABAAAADQAgAQAAAAsAIAUHAACkBAAgHQAApwQAIB4AAKYEACAvAAClBAAgMAAAqAQAIAmHAgAAuwMAMIgCAADTAQAQiQIAALsDADCpAkAAjAMAIbECAQCKAwAhywIBAIoDACHMAgIAiwMAIc0CAQCKAwAhzgICAIsDACEDAAAACwAgAQAA0gEAMBwAANMBACADAAAACwAgAQAADAAwAgAADQAgEwMBAK0DACGHAgAAugMAMIgCAADZAQAQiQIAALoDADCYAgEAAAABtgICAAAAAbgCAQCVAwAhvAIBAK0DACHAAkAAlwMAIcECAQCVAwAhwgIBAJUDACHDAgEArQMAIcQCAQCVAwAhxQICAJYDACHGAgEArQMAIccCAQCtAwAhyAIBAJUDACHJAgEAlQMAIcoCAQCVAwAhAQAAANYBACABAAAA1gEAIBMDAQCtAwAhhwIAALoDADCIAgAA2QEAEIkCAAC6AwAwmAIBAJUDACG2AgIAlgMAIbgCAQCVAwAhvAIBAK0DACHAAkAAlwMAIcECAQCVAwAhwgIBAJUDACHDAgEArQMAIcQCAQCVAwAhxQICAJYDACHGAgEArQMAIccCAQCtAwAhyAIBAJUDACHJAgEAlQMAIcoCAQCVAwAhBQMAAN8DACC8AgAA3wMAIMMCAADfAwAgxgIAAN8DACDHAgAA3wMAIAMAAADZAQAgAQAA2gEAMAIAANYBACADAAAA2QEAIAEAANoBADACAADWAQAgAwAAANkBACABAADaAQAwAgAA1gEAIBADAQAAAAGYAgEAAAABtgICAAAAAbgCAQAAAAG8AgEAAAABwAJAAAAAAcECAQAAAAHCAgEAAAABwwIBAAAAAcQCAQAAAAHFAgIAAAABxgIBAAAAAccCAQAAAAHIAgEAAAAByQIBAAAAAcoCAQAAAAEBEAAA3gEAIBADAQAAAAGYAgEAAAABtgICAAAAAbgCAQAAAAG8AgEAAAABwAJAAAAAAcECAQAAAAHCAgEAAAABwwIBAAAAAcQCAQAAAAHFAgIAAAABxgIBAAAAAccCAQAAAAHIAgEAAAAByQIBAAAAAcoCAQAAAAEBEAAA4AEAMAEQAADgAQAwEAMBAOYDACGYAgEA3AMAIbYCAgDdAwAhuAIBANwDACG8AgEA5gMAIcACQADeAwAhwQIBANwDACHCAgEA3AMAIcMCAQDmAwAhxAIBANwDACHFAgIA3QMAIcYCAQDmAwAhxwIBAOYDACHIAgEA3AMAIckCAQDcAwAhygIBANwDACECAAAA1gEAIBAAAOMBACAQAwEA5gMAIZgCAQDcAwAhtgICAN0DACG4AgEA3AMAIbwCAQDmAwAhwAJAAN4DACHBAgEA3AMAIcICAQDcAwAhwwIBAOYDACHEAgEA3AMAIcUCAgDdAwAhxgIBAOYDACHHAgEA5gMAIcgCAQDcAwAhyQIBANwDACHKAgEA3AMAIQIAAADZAQAgEAAA5QEAIAIAAADZAQAgEAAA5QEAIAMAAADWAQAgFwAA3gEAIBgAAOMBACABAAAA1gEAIAEAAADZAQAgCgMAAN8DACAHAACfBAAgHQAAogQAIB4AAKEEACAvAACgBAAgMAAAowQAILwCAADfAwAgwwIAAN8DACDGAgAA3wMAIMcCAADfAwAgEwMBAJoDACGHAgAAuQMAMIgCAADsAQAQiQIAALkDADCYAgEAigMAIbYCAgCLAwAhuAIBAIoDACG8AgEAmgMAIcACQACMAwAhwQIBAIoDACHCAgEAigMAIcMCAQCaAwAhxAIBAIoDACHFAgIAiwMAIcYCAQCaAwAhxwIBAJoDACHIAgEAigMAIckCAQCKAwAhygIBAIoDACEDAAAA2QEAIAEAAOsBADAcAADsAQAgAwAAANkBACABAADaAQAwAgAA1gEAIAsDAQCVAwAhhwIAALcDADCIAgAA8gEAEIkCAAC3AwAwmAIBAAAAAboCQACXAwAhuwIBAJUDACG8AgEAlQMAIb0CAQCVAwAhvgICAJYDACG_AgAAuAMAIAEAAADvAQAgAQAAAO8BACAKAwEAlQMAIYcCAAC3AwAwiAIAAPIBABCJAgAAtwMAMJgCAQCVAwAhugJAAJcDACG7AgEAlQMAIbwCAQCVAwAhvQIBAJUDACG-AgIAlgMAIQADAAAA8gEAIAEAAPMBADACAADvAQAgAwAAAPIBACABAADzAQAwAgAA7wEAIAMAAADyAQAgAQAA8wEAMAIAAO8BACAHAwEAAAABmAIBAAAAAboCQAAAAAG7AgEAAAABvAIBAAAAAb0CAQAAAAG-AgIAAAABARAAAPcBACAHAwEAAAABmAIBAAAAAboCQAAAAAG7AgEAAAABvAIBAAAAAb0CAQAAAAG-AgIAAAABARAAAPkBADABEAAA-QEAMAcDAQDcAwAhmAIBANwDACG6AkAA3gMAIbsCAQDcAwAhvAIBANwDACG9AgEA3AMAIb4CAgDdAwAhAgAAAO8BACAQAAD8AQAgBwMBANwDACGYAgEA3AMAIboCQADeAwAhuwIBANwDACG8AgEA3AMAIb0CAQDcAwAhvgICAN0DACECAAAA8gEAIBAAAP4BACACAAAA8gEAIBAAAP4BACADAAAA7wEAIBcAAPcBACAYAAD8AQAgAQAAAO8BACABAAAA8gEAIAUHAACaBAAgHQAAnQQAIB4AAJwEACAvAACbBAAgMAAAngQAIAoDAQCKAwAhhwIAALYDADCIAgAAhQIAEIkCAAC2AwAwmAIBAIoDACG6AkAAjAMAIbsCAQCKAwAhvAIBAIoDACG9AgEAigMAIb4CAgCLAwAhAwAAAPIBACABAACEAgAwHAAAhQIAIAMAAADyAQAgAQAA8wEAMAIAAO8BACALAwEArQMAIRABAJUDACGHAgAAtQMAMIgCAACLAgAQiQIAALUDADCYAgEAAAABqQJAAJcDACG2AgIAAAABtwIBAJUDACG4AgEAlQMAIbkCIACpAwAhAQAAAIgCACABAAAAiAIAIAsDAQCtAwAhEAEAlQMAIYcCAAC1AwAwiAIAAIsCABCJAgAAtQMAMJgCAQCVAwAhqQJAAJcDACG2AgIAlgMAIbcCAQCVAwAhuAIBAJUDACG5AiAAqQMAIQEDAADfAwAgAwAAAIsCACABAACMAgAwAgAAiAIAIAMAAACLAgAgAQAAjAIAMAIAAIgCACADAAAAiwIAIAEAAIwCADACAACIAgAgCAMBAAAAARABAAAAAZgCAQAAAAGpAkAAAAABtgICAAAAAbcCAQAAAAG4AgEAAAABuQIgAAAAAQEQAACQAgAgCAMBAAAAARABAAAAAZgCAQAAAAGpAkAAAAABtgICAAAAAbcCAQAAAAG4AgEAAAABuQIgAAAAAQEQAACSAgAwARAAAJICADAIAwEA5gMAIRABANwDACGYAgEA3AMAIakCQADeAwAhtgICAN0DACG3AgEA3AMAIbgCAQDcAwAhuQIgAIIEACECAAAAiAIAIBAAAJUCACAIAwEA5gMAIRABANwDACGYAgEA3AMAIakCQADeAwAhtgICAN0DACG3AgEA3AMAIbgCAQDcAwAhuQIgAIIEACECAAAAiwIAIBAAAJcCACACAAAAiwIAIBAAAJcCACADAAAAiAIAIBcAAJACACAYAACVAgAgAQAAAIgCACABAAAAiwIAIAYDAADfAwAgBwAAlQQAIB0AAJgEACAeAACXBAAgLwAAlgQAIDAAAJkEACALAwEAmgMAIRABAIoDACGHAgAAtAMAMIgCAACeAgAQiQIAALQDADCYAgEAigMAIakCQACMAwAhtgICAIsDACG3AgEAigMAIbgCAQCKAwAhuQIgAKUDACEDAAAAiwIAIAEAAJ0CADAcAACeAgAgAwAAAIsCACABAACMAgAwAgAAiAIAIA7GAQAAqgMAIIcCAACoAwAwiAIAAK4CABCJAgAAqAMAMIwCQACXAwAhmAIBAAAAAakCQACXAwAhqwIBAJUDACGsAgEAlQMAIa0CAQCVAwAhrgIBAJUDACGvAgEAlQMAIbACIACpAwAhsQIBAJUDACEBAAAAoQIAIBLDAQAAsgMAIMUBAACzAwAghwIAALEDADCIAgAAowIAEIkCAACxAwAwjAJAAJcDACGYAgEAlQMAIaACAQCVAwAhoQIBAJUDACGiAgEAlQMAIaMCAQCVAwAhpAIBAJUDACGlAgIAlgMAIaYCQACuAwAhpwJAAK4DACGoAgEArQMAIakCQACXAwAhqgJAAK4DACEGwwEAAJMEACDFAQAAlAQAIKYCAADfAwAgpwIAAN8DACCoAgAA3wMAIKoCAADfAwAgE8MBAACyAwAgxQEAALMDACCHAgAAsQMAMIgCAACjAgAQiQIAALEDADCMAkAAlwMAIZgCAQAAAAGgAgEAlQMAIaECAQCVAwAhogIBAJUDACGjAgEAlQMAIaQCAQCVAwAhpQICAJYDACGmAkAArgMAIacCQACuAwAhqAIBAK0DACGpAkAAlwMAIaoCQACuAwAhtQIAALADACADAAAAowIAIAEAAKQCADACAAClAgAgDMQBAACvAwAghwIAAKsDADCIAgAApwIAEIkCAACrAwAwmAIBAJUDACGZAgEAlQMAIZoCAgCWAwAhmwJAAJcDACGcAgIArAMAIZ0CAgCWAwAhngIBAK0DACGfAkAArgMAIQTEAQAAkgQAIJwCAADfAwAgngIAAN8DACCfAgAA3wMAIAzEAQAArwMAIIcCAACrAwAwiAIAAKcCABCJAgAAqwMAMJgCAQAAAAGZAgEAlQMAIZoCAgCWAwAhmwJAAJcDACGcAgIArAMAIZ0CAgCWAwAhngIBAK0DACGfAkAArgMAIQMAAACnAgAgAQAAqAIAMAIAAKkCACABAAAApwIAIAEAAACjAgAgAQAAAKECACAOxgEAAKoDACCHAgAAqAMAMIgCAACuAgAQiQIAAKgDADCMAkAAlwMAIZgCAQCVAwAhqQJAAJcDACGrAgEAlQMAIawCAQCVAwAhrQIBAJUDACGuAgEAlQMAIa8CAQCVAwAhsAIgAKkDACGxAgEAlQMAIQHGAQAAkQQAIAMAAACuAgAgAQAArwIAMAIAAKECACADAAAArgIAIAEAAK8CADACAAChAgAgAwAAAK4CACABAACvAgAwAgAAoQIAIAvGAQAAkAQAIIwCQAAAAAGYAgEAAAABqQJAAAAAAasCAQAAAAGsAgEAAAABrQIBAAAAAa4CAQAAAAGvAgEAAAABsAIgAAAAAbECAQAAAAEBEAAAswIAIAqMAkAAAAABmAIBAAAAAakCQAAAAAGrAgEAAAABrAIBAAAAAa0CAQAAAAGuAgEAAAABrwIBAAAAAbACIAAAAAGxAgEAAAABARAAALUCADABEAAAtQIAMAvGAQAAgwQAIIwCQADeAwAhmAIBANwDACGpAkAA3gMAIasCAQDcAwAhrAIBANwDACGtAgEA3AMAIa4CAQDcAwAhrwIBANwDACGwAiAAggQAIbECAQDcAwAhAgAAAKECACAQAAC4AgAgCowCQADeAwAhmAIBANwDACGpAkAA3gMAIasCAQDcAwAhrAIBANwDACGtAgEA3AMAIa4CAQDcAwAhrwIBANwDACGwAiAAggQAIbECAQDcAwAhAgAAAK4CACAQAAC6AgAgAgAAAK4CACAQAAC6AgAgAwAAAKECACAXAACzAgAgGAAAuAIAIAEAAAChAgAgAQAAAK4CACADBwAA_wMAIB0AAIEEACAeAACABAAgDYcCAACkAwAwiAIAAMECABCJAgAApAMAMIwCQACMAwAhmAIBAIoDACGpAkAAjAMAIasCAQCKAwAhrAIBAIoDACGtAgEAigMAIa4CAQCKAwAhrwIBAIoDACGwAiAApQMAIbECAQCKAwAhAwAAAK4CACABAADAAgAwHAAAwQIAIAMAAACuAgAgAQAArwIAMAIAAKECACABAAAApQIAIAEAAAClAgAgAwAAAKMCACABAACkAgAwAgAApQIAIAMAAACjAgAgAQAApAIAMAIAAKUCACADAAAAowIAIAEAAKQCADACAAClAgAgD8MBAAD9AwAgxQEAAP4DACCMAkAAAAABmAIBAAAAAaACAQAAAAGhAgEAAAABogIBAAAAAaMCAQAAAAGkAgEAAAABpQICAAAAAaYCQAAAAAGnAkAAAAABqAIBAAAAAakCQAAAAAGqAkAAAAABARAAAMkCACANjAJAAAAAAZgCAQAAAAGgAgEAAAABoQIBAAAAAaICAQAAAAGjAgEAAAABpAIBAAAAAaUCAgAAAAGmAkAAAAABpwJAAAAAAagCAQAAAAGpAkAAAAABqgJAAAAAAQEQAADLAgAwARAAAMsCADAPwwEAAO8DACDFAQAA8AMAIIwCQADeAwAhmAIBANwDACGgAgEA3AMAIaECAQDcAwAhogIBANwDACGjAgEA3AMAIaQCAQDcAwAhpQICAN0DACGmAkAA5wMAIacCQADnAwAhqAIBAOYDACGpAkAA3gMAIaoCQADnAwAhAgAAAKUCACAQAADOAgAgDYwCQADeAwAhmAIBANwDACGgAgEA3AMAIaECAQDcAwAhogIBANwDACGjAgEA3AMAIaQCAQDcAwAhpQICAN0DACGmAkAA5wMAIacCQADnAwAhqAIBAOYDACGpAkAA3gMAIaoCQADnAwAhAgAAAKMCACAQAADQAgAgAgAAAKMCACAQAADQAgAgAwAAAKUCACAXAADJAgAgGAAAzgIAIAEAAAClAgAgAQAAAKMCACAJBwAA6gMAIB0AAO0DACAeAADsAwAgLwAA6wMAIDAAAO4DACCmAgAA3wMAIKcCAADfAwAgqAIAAN8DACCqAgAA3wMAIBCHAgAAowMAMIgCAADXAgAQiQIAAKMDADCMAkAAjAMAIZgCAQCKAwAhoAIBAIoDACGhAgEAigMAIaICAQCKAwAhowIBAIoDACGkAgEAigMAIaUCAgCLAwAhpgJAAJsDACGnAkAAmwMAIagCAQCaAwAhqQJAAIwDACGqAkAAmwMAIQMAAACjAgAgAQAA1gIAMBwAANcCACADAAAAowIAIAEAAKQCADACAAClAgAgAQAAAKkCACABAAAAqQIAIAMAAACnAgAgAQAAqAIAMAIAAKkCACADAAAApwIAIAEAAKgCADACAACpAgAgAwAAAKcCACABAACoAgAwAgAAqQIAIAnEAQAA6QMAIJgCAQAAAAGZAgEAAAABmgICAAAAAZsCQAAAAAGcAgIAAAABnQICAAAAAZ4CAQAAAAGfAkAAAAABARAAAN8CACAImAIBAAAAAZkCAQAAAAGaAgIAAAABmwJAAAAAAZwCAgAAAAGdAgIAAAABngIBAAAAAZ8CQAAAAAEBEAAA4QIAMAEQAADhAgAwCcQBAADoAwAgmAIBANwDACGZAgEA3AMAIZoCAgDdAwAhmwJAAN4DACGcAgIA5QMAIZ0CAgDdAwAhngIBAOYDACGfAkAA5wMAIQIAAACpAgAgEAAA5AIAIAiYAgEA3AMAIZkCAQDcAwAhmgICAN0DACGbAkAA3gMAIZwCAgDlAwAhnQICAN0DACGeAgEA5gMAIZ8CQADnAwAhAgAAAKcCACAQAADmAgAgAgAAAKcCACAQAADmAgAgAwAAAKkCACAXAADfAgAgGAAA5AIAIAEAAACpAgAgAQAAAKcCACAIBwAA4AMAIB0AAOMDACAeAADiAwAgLwAA4QMAIDAAAOQDACCcAgAA3wMAIJ4CAADfAwAgnwIAAN8DACALhwIAAJgDADCIAgAA7QIAEIkCAACYAwAwmAIBAIoDACGZAgEAigMAIZoCAgCLAwAhmwJAAIwDACGcAgIAmQMAIZ0CAgCLAwAhngIBAJoDACGfAkAAmwMAIQMAAACnAgAgAQAA7AIAMBwAAO0CACADAAAApwIAIAEAAKgCADACAACpAgAgBocCAACUAwAwiAIAAPMCABCJAgAAlAMAMIoCAQAAAAGLAgIAlgMAIYwCQACXAwAhAQAAAPACACABAAAA8AIAIAaHAgAAlAMAMIgCAADzAgAQiQIAAJQDADCKAgEAlQMAIYsCAgCWAwAhjAJAAJcDACEAAwAAAPMCACABAAD0AgAwAgAA8AIAIAMAAADzAgAgAQAA9AIAMAIAAPACACADAAAA8wIAIAEAAPQCADACAADwAgAgA4oCAQAAAAGLAgIAAAABjAJAAAAAAQEQAAD4AgAgA4oCAQAAAAGLAgIAAAABjAJAAAAAAQEQAAD6AgAwARAAAPoCADADigIBANwDACGLAgIA3QMAIYwCQADeAwAhAgAAAPACACAQAAD9AgAgA4oCAQDcAwAhiwICAN0DACGMAkAA3gMAIQIAAADzAgAgEAAA_wIAIAIAAADzAgAgEAAA_wIAIAMAAADwAgAgFwAA-AIAIBgAAP0CACABAAAA8AIAIAEAAADzAgAgBQcAANcDACAdAADaAwAgHgAA2QMAIC8AANgDACAwAADbAwAgBocCAACJAwAwiAIAAIYDABCJAgAAiQMAMIoCAQCKAwAhiwICAIsDACGMAkAAjAMAIQMAAADzAgAgAQAAhQMAMBwAAIYDACADAAAA8wIAIAEAAPQCADACAADwAgAgBocCAACJAwAwiAIAAIYDABCJAgAAiQMAMIoCAQCKAwAhiwICAIsDACGMAkAAjAMAIQ4HAACOAwAgHQAAkwMAIB4AAJMDACCNAgEAAAABjgIBAAAABI8CAQAAAASQAgEAAAABkQIBAAAAAZICAQAAAAGTAgEAAAABlAIBAJIDACGVAgEAAAABlgIBAAAAAZcCAQAAAAENBwAAjgMAIB0AAI4DACAeAACOAwAgLwAAkQMAIDAAAI4DACCNAgIAAAABjgICAAAABI8CAgAAAASQAgIAAAABkQICAAAAAZICAgAAAAGTAgIAAAABlAICAJADACELBwAAjgMAIB0AAI8DACAeAACPAwAgjQJAAAAAAY4CQAAAAASPAkAAAAAEkAJAAAAAAZECQAAAAAGSAkAAAAABkwJAAAAAAZQCQACNAwAhCwcAAI4DACAdAACPAwAgHgAAjwMAII0CQAAAAAGOAkAAAAAEjwJAAAAABJACQAAAAAGRAkAAAAABkgJAAAAAAZMCQAAAAAGUAkAAjQMAIQiNAgIAAAABjgICAAAABI8CAgAAAASQAgIAAAABkQICAAAAAZICAgAAAAGTAgIAAAABlAICAI4DACEIjQJAAAAAAY4CQAAAAASPAkAAAAAEkAJAAAAAAZECQAAAAAGSAkAAAAABkwJAAAAAAZQCQACPAwAhDQcAAI4DACAdAACOAwAgHgAAjgMAIC8AAJEDACAwAACOAwAgjQICAAAAAY4CAgAAAASPAgIAAAAEkAICAAAAAZECAgAAAAGSAgIAAAABkwICAAAAAZQCAgCQAwAhCI0CCAAAAAGOAggAAAAEjwIIAAAABJACCAAAAAGRAggAAAABkgIIAAAAAZMCCAAAAAGUAggAkQMAIQ4HAACOAwAgHQAAkwMAIB4AAJMDACCNAgEAAAABjgIBAAAABI8CAQAAAASQAgEAAAABkQIBAAAAAZICAQAAAAGTAgEAAAABlAIBAJIDACGVAgEAAAABlgIBAAAAAZcCAQAAAAELjQIBAAAAAY4CAQAAAASPAgEAAAAEkAIBAAAAAZECAQAAAAGSAgEAAAABkwIBAAAAAZQCAQCTAwAhlQIBAAAAAZYCAQAAAAGXAgEAAAABBocCAACUAwAwiAIAAPMCABCJAgAAlAMAMIoCAQCVAwAhiwICAJYDACGMAkAAlwMAIQuNAgEAAAABjgIBAAAABI8CAQAAAASQAgEAAAABkQIBAAAAAZICAQAAAAGTAgEAAAABlAIBAJMDACGVAgEAAAABlgIBAAAAAZcCAQAAAAEIjQICAAAAAY4CAgAAAASPAgIAAAAEkAICAAAAAZECAgAAAAGSAgIAAAABkwICAAAAAZQCAgCOAwAhCI0CQAAAAAGOAkAAAAAEjwJAAAAABJACQAAAAAGRAkAAAAABkgJAAAAAAZMCQAAAAAGUAkAAjwMAIQuHAgAAmAMAMIgCAADtAgAQiQIAAJgDADCYAgEAigMAIZkCAQCKAwAhmgICAIsDACGbAkAAjAMAIZwCAgCZAwAhnQICAIsDACGeAgEAmgMAIZ8CQACbAwAhDQcAAJ0DACAdAACdAwAgHgAAnQMAIC8AAKIDACAwAACdAwAgjQICAAAAAY4CAgAAAAWPAgIAAAAFkAICAAAAAZECAgAAAAGSAgIAAAABkwICAAAAAZQCAgChAwAhDgcAAJ0DACAdAACgAwAgHgAAoAMAII0CAQAAAAGOAgEAAAAFjwIBAAAABZACAQAAAAGRAgEAAAABkgIBAAAAAZMCAQAAAAGUAgEAnwMAIZUCAQAAAAGWAgEAAAABlwIBAAAAAQsHAACdAwAgHQAAngMAIB4AAJ4DACCNAkAAAAABjgJAAAAABY8CQAAAAAWQAkAAAAABkQJAAAAAAZICQAAAAAGTAkAAAAABlAJAAJwDACELBwAAnQMAIB0AAJ4DACAeAACeAwAgjQJAAAAAAY4CQAAAAAWPAkAAAAAFkAJAAAAAAZECQAAAAAGSAkAAAAABkwJAAAAAAZQCQACcAwAhCI0CAgAAAAGOAgIAAAAFjwICAAAABZACAgAAAAGRAgIAAAABkgICAAAAAZMCAgAAAAGUAgIAnQMAIQiNAkAAAAABjgJAAAAABY8CQAAAAAWQAkAAAAABkQJAAAAAAZICQAAAAAGTAkAAAAABlAJAAJ4DACEOBwAAnQMAIB0AAKADACAeAACgAwAgjQIBAAAAAY4CAQAAAAWPAgEAAAAFkAIBAAAAAZECAQAAAAGSAgEAAAABkwIBAAAAAZQCAQCfAwAhlQIBAAAAAZYCAQAAAAGXAgEAAAABC40CAQAAAAGOAgEAAAAFjwIBAAAABZACAQAAAAGRAgEAAAABkgIBAAAAAZMCAQAAAAGUAgEAoAMAIZUCAQAAAAGWAgEAAAABlwIBAAAAAQ0HAACdAwAgHQAAnQMAIB4AAJ0DACAvAACiAwAgMAAAnQMAII0CAgAAAAGOAgIAAAAFjwICAAAABZACAgAAAAGRAgIAAAABkgICAAAAAZMCAgAAAAGUAgIAoQMAIQiNAggAAAABjgIIAAAABY8CCAAAAAWQAggAAAABkQIIAAAAAZICCAAAAAGTAggAAAABlAIIAKIDACEQhwIAAKMDADCIAgAA1wIAEIkCAACjAwAwjAJAAIwDACGYAgEAigMAIaACAQCKAwAhoQIBAIoDACGiAgEAigMAIaMCAQCKAwAhpAIBAIoDACGlAgIAiwMAIaYCQACbAwAhpwJAAJsDACGoAgEAmgMAIakCQACMAwAhqgJAAJsDACENhwIAAKQDADCIAgAAwQIAEIkCAACkAwAwjAJAAIwDACGYAgEAigMAIakCQACMAwAhqwIBAIoDACGsAgEAigMAIa0CAQCKAwAhrgIBAIoDACGvAgEAigMAIbACIAClAwAhsQIBAIoDACEFBwAAjgMAIB0AAKcDACAeAACnAwAgjQIgAAAAAZQCIACmAwAhBQcAAI4DACAdAACnAwAgHgAApwMAII0CIAAAAAGUAiAApgMAIQKNAiAAAAABlAIgAKcDACEOxgEAAKoDACCHAgAAqAMAMIgCAACuAgAQiQIAAKgDADCMAkAAlwMAIZgCAQCVAwAhqQJAAJcDACGrAgEAlQMAIawCAQCVAwAhrQIBAJUDACGuAgEAlQMAIa8CAQCVAwAhsAIgAKkDACGxAgEAlQMAIQKNAiAAAAABlAIgAKcDACEDsgIAAKMCACCzAgAAowIAILQCAACjAgAgDMQBAACvAwAghwIAAKsDADCIAgAApwIAEIkCAACrAwAwmAIBAJUDACGZAgEAlQMAIZoCAgCWAwAhmwJAAJcDACGcAgIArAMAIZ0CAgCWAwAhngIBAK0DACGfAkAArgMAIQiNAgIAAAABjgICAAAABY8CAgAAAAWQAgIAAAABkQICAAAAAZICAgAAAAGTAgIAAAABlAICAJ0DACELjQIBAAAAAY4CAQAAAAWPAgEAAAAFkAIBAAAAAZECAQAAAAGSAgEAAAABkwIBAAAAAZQCAQCgAwAhlQIBAAAAAZYCAQAAAAGXAgEAAAABCI0CQAAAAAGOAkAAAAAFjwJAAAAABZACQAAAAAGRAkAAAAABkgJAAAAAAZMCQAAAAAGUAkAAngMAIRTDAQAAsgMAIMUBAACzAwAghwIAALEDADCIAgAAowIAEIkCAACxAwAwjAJAAJcDACGYAgEAlQMAIaACAQCVAwAhoQIBAJUDACGiAgEAlQMAIaMCAQCVAwAhpAIBAJUDACGlAgIAlgMAIaYCQACuAwAhpwJAAK4DACGoAgEArQMAIakCQACXAwAhqgJAAK4DACHjAgAAowIAIOQCAACjAgAgAqACAQAAAAGhAgEAAAABEsMBAACyAwAgxQEAALMDACCHAgAAsQMAMIgCAACjAgAQiQIAALEDADCMAkAAlwMAIZgCAQCVAwAhoAIBAJUDACGhAgEAlQMAIaICAQCVAwAhowIBAJUDACGkAgEAlQMAIaUCAgCWAwAhpgJAAK4DACGnAkAArgMAIagCAQCtAwAhqQJAAJcDACGqAkAArgMAIRDGAQAAqgMAIIcCAACoAwAwiAIAAK4CABCJAgAAqAMAMIwCQACXAwAhmAIBAJUDACGpAkAAlwMAIasCAQCVAwAhrAIBAJUDACGtAgEAlQMAIa4CAQCVAwAhrwIBAJUDACGwAiAAqQMAIbECAQCVAwAh4wIAAK4CACDkAgAArgIAIAOyAgAApwIAILMCAACnAgAgtAIAAKcCACALAwEAmgMAIRABAIoDACGHAgAAtAMAMIgCAACeAgAQiQIAALQDADCYAgEAigMAIakCQACMAwAhtgICAIsDACG3AgEAigMAIbgCAQCKAwAhuQIgAKUDACELAwEArQMAIRABAJUDACGHAgAAtQMAMIgCAACLAgAQiQIAALUDADCYAgEAlQMAIakCQACXAwAhtgICAJYDACG3AgEAlQMAIbgCAQCVAwAhuQIgAKkDACEKAwEAigMAIYcCAAC2AwAwiAIAAIUCABCJAgAAtgMAMJgCAQCKAwAhugJAAIwDACG7AgEAigMAIbwCAQCKAwAhvQIBAIoDACG-AgIAiwMAIQoDAQCVAwAhhwIAALcDADCIAgAA8gEAEIkCAAC3AwAwmAIBAJUDACG6AkAAlwMAIbsCAQCVAwAhvAIBAJUDACG9AgEAlQMAIb4CAgCWAwAhBQMBAAAAAboCQAAAAAG7AgEAAAABvAIBAAAAAb0CAQAAAAETAwEAmgMAIYcCAAC5AwAwiAIAAOwBABCJAgAAuQMAMJgCAQCKAwAhtgICAIsDACG4AgEAigMAIbwCAQCaAwAhwAJAAIwDACHBAgEAigMAIcICAQCKAwAhwwIBAJoDACHEAgEAigMAIcUCAgCLAwAhxgIBAJoDACHHAgEAmgMAIcgCAQCKAwAhyQIBAIoDACHKAgEAigMAIRMDAQCtAwAhhwIAALoDADCIAgAA2QEAEIkCAAC6AwAwmAIBAJUDACG2AgIAlgMAIbgCAQCVAwAhvAIBAK0DACHAAkAAlwMAIcECAQCVAwAhwgIBAJUDACHDAgEArQMAIcQCAQCVAwAhxQICAJYDACHGAgEArQMAIccCAQCtAwAhyAIBAJUDACHJAgEAlQMAIcoCAQCVAwAhCYcCAAC7AwAwiAIAANMBABCJAgAAuwMAMKkCQACMAwAhsQIBAIoDACHLAgEAigMAIcwCAgCLAwAhzQIBAIoDACHOAgIAiwMAIQmHAgAAvAMAMIgCAAC9AQAQiQIAALwDADCMAkAAjAMAIZgCAQCKAwAhqQJAAIwDACHPAgEAigMAIdACAQCKAwAh0QICAIsDACEIhwIAAL0DADCIAgAApwEAEIkCAAC9AwAwmAIBAIoDACGpAkAAjAMAIb0CAQCKAwAhzwIBAJoDACHSAgEAigMAIQqHAgAAvgMAMIgCAACPAQAQiQIAAL4DADCKAgEAigMAIYwCQACMAwAhmAIBAIoDACGpAkAAjAMAIawCAQCKAwAh0wIBAIoDACHUAiAApQMAIQsJAADAAwAghwIAAL8DADCIAgAAfAAQiQIAAL8DADCKAgEAlQMAIYwCQACXAwAhmAIBAJUDACGpAkAAlwMAIawCAQCVAwAh0wIBAJUDACHUAiAAqQMAIQOyAgAAEAAgswIAABAAILQCAAAQACAJhwIAAMEDADCIAgAAdgAQiQIAAMEDADCKAgEAigMAIYwCQACMAwAhmAIBAIoDACGpAkAAjAMAIdUCAQCKAwAh1gIgAKUDACEJhwIAAMIDADCIAgAAYwAQiQIAAMIDADCKAgEAlQMAIYwCQACXAwAhmAIBAJUDACGpAkAAlwMAIdUCAQCVAwAh1gIgAKkDACEShwIAAMMDADCIAgAAXQAQiQIAAMMDADCKAgEAigMAIYwCQACMAwAhmAIBAIoDACGpAkAAjAMAIawCAQCKAwAhsQIBAIoDACHKAgEAigMAIdMCAQCKAwAh1wIBAIoDACHYAiAApQMAIdkCAQCKAwAh2gICAJkDACHbAkAAmwMAIdwCQACbAwAh3QJAAJsDACEShwIAAMQDADCIAgAASgAQiQIAAMQDADCKAgEAlQMAIYwCQACXAwAhmAIBAJUDACGpAkAAlwMAIawCAQCVAwAhsQIBAJUDACHKAgEAlQMAIdMCAQCVAwAh1wIBAJUDACHYAiAAqQMAIdkCAQCVAwAh2gICAKwDACHbAkAArgMAIdwCQACuAwAh3QJAAK4DACEIhwIAAMUDADCIAgAARAAQiQIAAMUDADCpAkAAjAMAIa8CAQCKAwAhzAICAIsDACHPAgEAigMAId4CAQCKAwAhCIcCAADGAwAwiAIAAC4AEIkCAADGAwAwigIBAIoDACGMAkAAjAMAIZgCAQCKAwAhqQJAAIwDACGsAgEAigMAIQsEAADIAwAgCAAAyQMAIAkAAMADACCHAgAAxwMAMIgCAAAWABCJAgAAxwMAMIoCAQCVAwAhjAJAAJcDACGYAgEAlQMAIakCQACXAwAhrAIBAJUDACEDsgIAAAMAILMCAAADACC0AgAAAwAgA7ICAAAHACCzAgAABwAgtAIAAAcAIAO9AgEAAAABzwIBAAAAAdICAQAAAAEKAwAAzQMAIAoAAMwDACCHAgAAywMAMIgCAAAQABCJAgAAywMAMJgCAQCVAwAhqQJAAJcDACG9AgEAlQMAIc8CAQCtAwAh0gIBAJUDACENCQAAwAMAIIcCAAC_AwAwiAIAAHwAEIkCAAC_AwAwigIBAJUDACGMAkAAlwMAIZgCAQCVAwAhqQJAAJcDACGsAgEAlQMAIdMCAQCVAwAh1AIgAKkDACHjAgAAfAAg5AIAAHwAIA0EAADIAwAgCAAAyQMAIAkAAMADACCHAgAAxwMAMIgCAAAWABCJAgAAxwMAMIoCAQCVAwAhjAJAAJcDACGYAgEAlQMAIakCQACXAwAhrAIBAJUDACHjAgAAFgAg5AIAABYAIALLAgEAAAABzAICAAAAAQoFAADQAwAghwIAAM8DADCIAgAACwAQiQIAAM8DADCpAkAAlwMAIbECAQCVAwAhywIBAJUDACHMAgIAlgMAIc0CAQCVAwAhzgICAJYDACENAwAA0wMAIAYAANQDACCHAgAA0gMAMIgCAAAHABCJAgAA0gMAMIwCQACXAwAhmAIBAJUDACGpAkAAlwMAIc8CAQCVAwAh0AIBAJUDACHRAgIAlgMAIeMCAAAHACDkAgAABwAgAs8CAQAAAAHQAgEAAAABCwMAANMDACAGAADUAwAghwIAANIDADCIAgAABwAQiQIAANIDADCMAkAAlwMAIZgCAQCVAwAhqQJAAJcDACHPAgEAlQMAIdACAQCVAwAh0QICAJYDACENBAAAyAMAIAgAAMkDACAJAADAAwAghwIAAMcDADCIAgAAFgAQiQIAAMcDADCKAgEAlQMAIYwCQACXAwAhmAIBAJUDACGpAkAAlwMAIawCAQCVAwAh4wIAABYAIOQCAAAWACADsgIAAAsAILMCAAALACC0AgAACwAgAswCAgAAAAHPAgEAAAABCQMAANMDACCHAgAA1gMAMIgCAAADABCJAgAA1gMAMKkCQACXAwAhrwIBAJUDACHMAgIAlgMAIc8CAQCVAwAh3gIBAJUDACEAAAAAAAHoAgEAAAABBegCAgAAAAHuAgIAAAAB7wICAAAAAfACAgAAAAHxAgIAAAABAegCQAAAAAEAAAAAAAAF6AICAAAAAe4CAgAAAAHvAgIAAAAB8AICAAAAAfECAgAAAAEB6AIBAAAAAQHoAkAAAAABBRcAAL0FACAYAADABQAg5QIAAL4FACDmAgAAvwUAIOsCAAClAgAgAxcAAL0FACDlAgAAvgUAIOsCAAClAgAgAAAAAAAFFwAAtwUAIBgAALsFACDlAgAAuAUAIOYCAAC6BQAg6wIAAKECACALFwAA8QMAMBgAAPYDADDlAgAA8gMAMOYCAADzAwAw5wIAAPQDACDoAgAA9QMAMOkCAAD1AwAw6gIAAPUDADDrAgAA9QMAMOwCAAD3AwAw7QIAAPgDADAHmAIBAAAAAZoCAgAAAAGbAkAAAAABnAICAAAAAZ0CAgAAAAGeAgEAAAABnwJAAAAAAQIAAACpAgAgFwAA_AMAIAMAAACpAgAgFwAA_AMAIBgAAPsDACABEAAAuQUAMAzEAQAArwMAIIcCAACrAwAwiAIAAKcCABCJAgAAqwMAMJgCAQAAAAGZAgEAlQMAIZoCAgCWAwAhmwJAAJcDACGcAgIArAMAIZ0CAgCWAwAhngIBAK0DACGfAkAArgMAIQIAAACpAgAgEAAA-wMAIAIAAAD5AwAgEAAA-gMAIAuHAgAA-AMAMIgCAAD5AwAQiQIAAPgDADCYAgEAlQMAIZkCAQCVAwAhmgICAJYDACGbAkAAlwMAIZwCAgCsAwAhnQICAJYDACGeAgEArQMAIZ8CQACuAwAhC4cCAAD4AwAwiAIAAPkDABCJAgAA-AMAMJgCAQCVAwAhmQIBAJUDACGaAgIAlgMAIZsCQACXAwAhnAICAKwDACGdAgIAlgMAIZ4CAQCtAwAhnwJAAK4DACEHmAIBANwDACGaAgIA3QMAIZsCQADeAwAhnAICAOUDACGdAgIA3QMAIZ4CAQDmAwAhnwJAAOcDACEHmAIBANwDACGaAgIA3QMAIZsCQADeAwAhnAICAOUDACGdAgIA3QMAIZ4CAQDmAwAhnwJAAOcDACEHmAIBAAAAAZoCAgAAAAGbAkAAAAABnAICAAAAAZ0CAgAAAAGeAgEAAAABnwJAAAAAAQMXAAC3BQAg5QIAALgFACDrAgAAoQIAIAQXAADxAwAw5QIAAPIDADDnAgAA9AMAIOsCAAD1AwAwAAAAAegCIAAAAAELFwAAhAQAMBgAAIkEADDlAgAAhQQAMOYCAACGBAAw5wIAAIcEACDoAgAAiAQAMOkCAACIBAAw6gIAAIgEADDrAgAAiAQAMOwCAACKBAAw7QIAAIsEADANxQEAAP4DACCMAkAAAAABmAIBAAAAAaECAQAAAAGiAgEAAAABowIBAAAAAaQCAQAAAAGlAgIAAAABpgJAAAAAAacCQAAAAAGoAgEAAAABqQJAAAAAAaoCQAAAAAECAAAApQIAIBcAAI8EACADAAAApQIAIBcAAI8EACAYAACOBAAgARAAALYFADATwwEAALIDACDFAQAAswMAIIcCAACxAwAwiAIAAKMCABCJAgAAsQMAMIwCQACXAwAhmAIBAAAAAaACAQCVAwAhoQIBAJUDACGiAgEAlQMAIaMCAQCVAwAhpAIBAJUDACGlAgIAlgMAIaYCQACuAwAhpwJAAK4DACGoAgEArQMAIakCQACXAwAhqgJAAK4DACG1AgAAsAMAIAIAAAClAgAgEAAAjgQAIAIAAACMBAAgEAAAjQQAIBCHAgAAiwQAMIgCAACMBAAQiQIAAIsEADCMAkAAlwMAIZgCAQCVAwAhoAIBAJUDACGhAgEAlQMAIaICAQCVAwAhowIBAJUDACGkAgEAlQMAIaUCAgCWAwAhpgJAAK4DACGnAkAArgMAIagCAQCtAwAhqQJAAJcDACGqAkAArgMAIRCHAgAAiwQAMIgCAACMBAAQiQIAAIsEADCMAkAAlwMAIZgCAQCVAwAhoAIBAJUDACGhAgEAlQMAIaICAQCVAwAhowIBAJUDACGkAgEAlQMAIaUCAgCWAwAhpgJAAK4DACGnAkAArgMAIagCAQCtAwAhqQJAAJcDACGqAkAArgMAIQyMAkAA3gMAIZgCAQDcAwAhoQIBANwDACGiAgEA3AMAIaMCAQDcAwAhpAIBANwDACGlAgIA3QMAIaYCQADnAwAhpwJAAOcDACGoAgEA5gMAIakCQADeAwAhqgJAAOcDACENxQEAAPADACCMAkAA3gMAIZgCAQDcAwAhoQIBANwDACGiAgEA3AMAIaMCAQDcAwAhpAIBANwDACGlAgIA3QMAIaYCQADnAwAhpwJAAOcDACGoAgEA5gMAIakCQADeAwAhqgJAAOcDACENxQEAAP4DACCMAkAAAAABmAIBAAAAAaECAQAAAAGiAgEAAAABowIBAAAAAaQCAQAAAAGlAgIAAAABpgJAAAAAAacCQAAAAAGoAgEAAAABqQJAAAAAAaoCQAAAAAEEFwAAhAQAMOUCAACFBAAw5wIAAIcEACDrAgAAiAQAMAAGwwEAAJMEACDFAQAAlAQAIKYCAADfAwAgpwIAAN8DACCoAgAA3wMAIKoCAADfAwAgAcYBAACRBAAgAAAAAAAAAAAAAAAAAAAAAAAAAAAABRcAALEFACAYAAC0BQAg5QIAALIFACDmAgAAswUAIOsCAAAJACADFwAAsQUAIOUCAACyBQAg6wIAAAkAIAAAAAAABRcAAKsFACAYAACvBQAg5QIAAKwFACDmAgAArgUAIOsCAAABACALFwAAsgQAMBgAALcEADDlAgAAswQAMOYCAAC0BAAw5wIAALUEACDoAgAAtgQAMOkCAAC2BAAw6gIAALYEADDrAgAAtgQAMOwCAAC4BAAw7QIAALkEADAFqQJAAAAAAbECAQAAAAHMAgIAAAABzQIBAAAAAc4CAgAAAAECAAAADQAgFwAAvQQAIAMAAAANACAXAAC9BAAgGAAAvAQAIAEQAACtBQAwCwUAANADACCHAgAAzwMAMIgCAAALABCJAgAAzwMAMKkCQACXAwAhsQIBAJUDACHLAgEAlQMAIcwCAgCWAwAhzQIBAJUDACHOAgIAlgMAIeACAADOAwAgAgAAAA0AIBAAALwEACACAAAAugQAIBAAALsEACAJhwIAALkEADCIAgAAugQAEIkCAAC5BAAwqQJAAJcDACGxAgEAlQMAIcsCAQCVAwAhzAICAJYDACHNAgEAlQMAIc4CAgCWAwAhCYcCAAC5BAAwiAIAALoEABCJAgAAuQQAMKkCQACXAwAhsQIBAJUDACHLAgEAlQMAIcwCAgCWAwAhzQIBAJUDACHOAgIAlgMAIQWpAkAA3gMAIbECAQDcAwAhzAICAN0DACHNAgEA3AMAIc4CAgDdAwAhBakCQADeAwAhsQIBANwDACHMAgIA3QMAIc0CAQDcAwAhzgICAN0DACEFqQJAAAAAAbECAQAAAAHMAgIAAAABzQIBAAAAAc4CAgAAAAEDFwAAqwUAIOUCAACsBQAg6wIAAAEAIAQXAACyBAAw5QIAALMEADDnAgAAtQQAIOsCAAC2BAAwAAAABRcAAKMFACAYAACpBQAg5QIAAKQFACDmAgAAqAUAIOsCAAB5ACAHFwAAoQUAIBgAAKYFACDlAgAAogUAIOYCAAClBQAg6QIAABYAIOoCAAAWACDrAgAAAQAgAxcAAKMFACDlAgAApAUAIOsCAAB5ACADFwAAoQUAIOUCAACiBQAg6wIAAAEAIAAAAAsXAADLBAAwGAAA0AQAMOUCAADMBAAw5gIAAM0EADDnAgAAzgQAIOgCAADPBAAw6QIAAM8EADDqAgAAzwQAMOsCAADPBAAw7AIAANEEADDtAgAA0gQAMAUDAADGBAAgmAIBAAAAAakCQAAAAAG9AgEAAAABzwIBAAAAAQIAAAASACAXAADWBAAgAwAAABIAIBcAANYEACAYAADVBAAgARAAAKAFADALAwAAzQMAIAoAAMwDACCHAgAAywMAMIgCAAAQABCJAgAAywMAMJgCAQAAAAGpAkAAlwMAIb0CAQCVAwAhzwIBAK0DACHSAgEAlQMAId8CAADKAwAgAgAAABIAIBAAANUEACACAAAA0wQAIBAAANQEACAIhwIAANIEADCIAgAA0wQAEIkCAADSBAAwmAIBAJUDACGpAkAAlwMAIb0CAQCVAwAhzwIBAK0DACHSAgEAlQMAIQiHAgAA0gQAMIgCAADTBAAQiQIAANIEADCYAgEAlQMAIakCQACXAwAhvQIBAJUDACHPAgEArQMAIdICAQCVAwAhBJgCAQDcAwAhqQJAAN4DACG9AgEA3AMAIc8CAQDmAwAhBQMAAMQEACCYAgEA3AMAIakCQADeAwAhvQIBANwDACHPAgEA5gMAIQUDAADGBAAgmAIBAAAAAakCQAAAAAG9AgEAAAABzwIBAAAAAQQXAADLBAAw5QIAAMwEADDnAgAAzgQAIOsCAADPBAAwAAAAAAAAAAAAAAAAAAAFFwAAmwUAIBgAAJ4FACDlAgAAnAUAIOYCAACdBQAg6wIAAAEAIAMXAACbBQAg5QIAAJwFACDrAgAAAQAgAAAACxcAAIMFADAYAACIBQAw5QIAAIQFADDmAgAAhQUAMOcCAACGBQAg6AIAAIcFADDpAgAAhwUAMOoCAACHBQAw6wIAAIcFADDsAgAAiQUAMO0CAACKBQAwCxcAAPcEADAYAAD8BAAw5QIAAPgEADDmAgAA-QQAMOcCAAD6BAAg6AIAAPsEADDpAgAA-wQAMOoCAAD7BAAw6wIAAPsEADDsAgAA_QQAMO0CAAD-BAAwCxcAAO4EADAYAADyBAAw5QIAAO8EADDmAgAA8AQAMOcCAADxBAAg6AIAAM8EADDpAgAAzwQAMOoCAADPBAAw6wIAAM8EADDsAgAA8wQAMO0CAADSBAAwBQoAAMUEACCYAgEAAAABqQJAAAAAAb0CAQAAAAHSAgEAAAABAgAAABIAIBcAAPYEACADAAAAEgAgFwAA9gQAIBgAAPUEACABEAAAmgUAMAIAAAASACAQAAD1BAAgAgAAANMEACAQAAD0BAAgBJgCAQDcAwAhqQJAAN4DACG9AgEA3AMAIdICAQDcAwAhBQoAAMMEACCYAgEA3AMAIakCQADeAwAhvQIBANwDACHSAgEA3AMAIQUKAADFBAAgmAIBAAAAAakCQAAAAAG9AgEAAAAB0gIBAAAAAQYGAAC_BAAgjAJAAAAAAZgCAQAAAAGpAkAAAAAB0AIBAAAAAdECAgAAAAECAAAACQAgFwAAggUAIAMAAAAJACAXAACCBQAgGAAAgQUAIAEQAACZBQAwDAMAANMDACAGAADUAwAghwIAANIDADCIAgAABwAQiQIAANIDADCMAkAAlwMAIZgCAQAAAAGpAkAAlwMAIc8CAQCVAwAh0AIBAJUDACHRAgIAlgMAIeECAADRAwAgAgAAAAkAIBAAAIEFACACAAAA_wQAIBAAAIAFACAJhwIAAP4EADCIAgAA_wQAEIkCAAD-BAAwjAJAAJcDACGYAgEAlQMAIakCQACXAwAhzwIBAJUDACHQAgEAlQMAIdECAgCWAwAhCYcCAAD-BAAwiAIAAP8EABCJAgAA_gQAMIwCQACXAwAhmAIBAJUDACGpAkAAlwMAIc8CAQCVAwAh0AIBAJUDACHRAgIAlgMAIQWMAkAA3gMAIZgCAQDcAwAhqQJAAN4DACHQAgEA3AMAIdECAgDdAwAhBgYAALEEACCMAkAA3gMAIZgCAQDcAwAhqQJAAN4DACHQAgEA3AMAIdECAgDdAwAhBgYAAL8EACCMAkAAAAABmAIBAAAAAakCQAAAAAHQAgEAAAAB0QICAAAAAQSpAkAAAAABrwIBAAAAAcwCAgAAAAHeAgEAAAABAgAAAAUAIBcAAI4FACADAAAABQAgFwAAjgUAIBgAAI0FACABEAAAmAUAMAoDAADTAwAghwIAANYDADCIAgAAAwAQiQIAANYDADCpAkAAlwMAIa8CAQCVAwAhzAICAJYDACHPAgEAlQMAId4CAQCVAwAh4gIAANUDACACAAAABQAgEAAAjQUAIAIAAACLBQAgEAAAjAUAIAiHAgAAigUAMIgCAACLBQAQiQIAAIoFADCpAkAAlwMAIa8CAQCVAwAhzAICAJYDACHPAgEAlQMAId4CAQCVAwAhCIcCAACKBQAwiAIAAIsFABCJAgAAigUAMKkCQACXAwAhrwIBAJUDACHMAgIAlgMAIc8CAQCVAwAh3gIBAJUDACEEqQJAAN4DACGvAgEA3AMAIcwCAgDdAwAh3gIBANwDACEEqQJAAN4DACGvAgEA3AMAIcwCAgDdAwAh3gIBANwDACEEqQJAAAAAAa8CAQAAAAHMAgIAAAAB3gIBAAAAAQQXAACDBQAw5QIAAIQFADDnAgAAhgUAIOsCAACHBQAwBBcAAPcEADDlAgAA-AQAMOcCAAD6BAAg6wIAAPsEADAEFwAA7gQAMOUCAADvBAAw5wIAAPEEACDrAgAAzwQAMAAAAQkAANgEACADBAAAkgUAIAgAAJMFACAJAADYBAAgAgMAAJUFACAGAACXBQAgAASpAkAAAAABrwIBAAAAAcwCAgAAAAHeAgEAAAABBYwCQAAAAAGYAgEAAAABqQJAAAAAAdACAQAAAAHRAgIAAAABBJgCAQAAAAGpAkAAAAABvQIBAAAAAdICAQAAAAEHCAAAkAUAIAkAAJEFACCKAgEAAAABjAJAAAAAAZgCAQAAAAGpAkAAAAABrAIBAAAAAQIAAAABACAXAACbBQAgAwAAABYAIBcAAJsFACAYAACfBQAgCQAAABYAIAgAAOwEACAJAADtBAAgEAAAnwUAIIoCAQDcAwAhjAJAAN4DACGYAgEA3AMAIakCQADeAwAhrAIBANwDACEHCAAA7AQAIAkAAO0EACCKAgEA3AMAIYwCQADeAwAhmAIBANwDACGpAkAA3gMAIawCAQDcAwAhBJgCAQAAAAGpAkAAAAABvQIBAAAAAc8CAQAAAAEHBAAAjwUAIAgAAJAFACCKAgEAAAABjAJAAAAAAZgCAQAAAAGpAkAAAAABrAIBAAAAAQIAAAABACAXAAChBQAgB4oCAQAAAAGMAkAAAAABmAIBAAAAAakCQAAAAAGsAgEAAAAB0wIBAAAAAdQCIAAAAAECAAAAeQAgFwAAowUAIAMAAAAWACAXAAChBQAgGAAApwUAIAkAAAAWACAEAADrBAAgCAAA7AQAIBAAAKcFACCKAgEA3AMAIYwCQADeAwAhmAIBANwDACGpAkAA3gMAIawCAQDcAwAhBwQAAOsEACAIAADsBAAgigIBANwDACGMAkAA3gMAIZgCAQDcAwAhqQJAAN4DACGsAgEA3AMAIQMAAAB8ACAXAACjBQAgGAAAqgUAIAkAAAB8ACAQAACqBQAgigIBANwDACGMAkAA3gMAIZgCAQDcAwAhqQJAAN4DACGsAgEA3AMAIdMCAQDcAwAh1AIgAIIEACEHigIBANwDACGMAkAA3gMAIZgCAQDcAwAhqQJAAN4DACGsAgEA3AMAIdMCAQDcAwAh1AIgAIIEACEHBAAAjwUAIAkAAJEFACCKAgEAAAABjAJAAAAAAZgCAQAAAAGpAkAAAAABrAIBAAAAAQIAAAABACAXAACrBQAgBakCQAAAAAGxAgEAAAABzAICAAAAAc0CAQAAAAHOAgIAAAABAwAAABYAIBcAAKsFACAYAACwBQAgCQAAABYAIAQAAOsEACAJAADtBAAgEAAAsAUAIIoCAQDcAwAhjAJAAN4DACGYAgEA3AMAIakCQADeAwAhrAIBANwDACEHBAAA6wQAIAkAAO0EACCKAgEA3AMAIYwCQADeAwAhmAIBANwDACGpAkAA3gMAIawCAQDcAwAhBwMAAL4EACCMAkAAAAABmAIBAAAAAakCQAAAAAHPAgEAAAAB0AIBAAAAAdECAgAAAAECAAAACQAgFwAAsQUAIAMAAAAHACAXAACxBQAgGAAAtQUAIAkAAAAHACADAACwBAAgEAAAtQUAIIwCQADeAwAhmAIBANwDACGpAkAA3gMAIc8CAQDcAwAh0AIBANwDACHRAgIA3QMAIQcDAACwBAAgjAJAAN4DACGYAgEA3AMAIakCQADeAwAhzwIBANwDACHQAgEA3AMAIdECAgDdAwAhDIwCQAAAAAGYAgEAAAABoQIBAAAAAaICAQAAAAGjAgEAAAABpAIBAAAAAaUCAgAAAAGmAkAAAAABpwJAAAAAAagCAQAAAAGpAkAAAAABqgJAAAAAAQqMAkAAAAABmAIBAAAAAakCQAAAAAGrAgEAAAABrAIBAAAAAa0CAQAAAAGuAgEAAAABrwIBAAAAAbACIAAAAAGxAgEAAAABAgAAAKECACAXAAC3BQAgB5gCAQAAAAGaAgIAAAABmwJAAAAAAZwCAgAAAAGdAgIAAAABngIBAAAAAZ8CQAAAAAEDAAAArgIAIBcAALcFACAYAAC8BQAgDAAAAK4CACAQAAC8BQAgjAJAAN4DACGYAgEA3AMAIakCQADeAwAhqwIBANwDACGsAgEA3AMAIa0CAQDcAwAhrgIBANwDACGvAgEA3AMAIbACIACCBAAhsQIBANwDACEKjAJAAN4DACGYAgEA3AMAIakCQADeAwAhqwIBANwDACGsAgEA3AMAIa0CAQDcAwAhrgIBANwDACGvAgEA3AMAIbACIACCBAAhsQIBANwDACEOwwEAAP0DACCMAkAAAAABmAIBAAAAAaACAQAAAAGhAgEAAAABogIBAAAAAaMCAQAAAAGkAgEAAAABpQICAAAAAaYCQAAAAAGnAkAAAAABqAIBAAAAAakCQAAAAAGqAkAAAAABAgAAAKUCACAXAAC9BQAgAwAAAKMCACAXAAC9BQAgGAAAwQUAIBAAAACjAgAgEAAAwQUAIMMBAADvAwAgjAJAAN4DACGYAgEA3AMAIaACAQDcAwAhoQIBANwDACGiAgEA3AMAIaMCAQDcAwAhpAIBANwDACGlAgIA3QMAIaYCQADnAwAhpwJAAOcDACGoAgEA5gMAIakCQADeAwAhqgJAAOcDACEOwwEAAO8DACCMAkAA3gMAIZgCAQDcAwAhoAIBANwDACGhAgEA3AMAIaICAQDcAwAhowIBANwDACGkAgEA3AMAIaUCAgDdAwAhpgJAAOcDACGnAkAA5wMAIagCAQDmAwAhqQJAAN4DACGqAkAA5wMAIQQEBgIHAAkICgMJEwYBAwABAwMAAQYOBAcABQEFAAMBBg8AAgMXAQoABwIHAAgJFAYBCRUAAwQYAAgZAAkaAAAAAAMHAA4dAA8eABAAAAADBwAOHQAPHgAQAQMAAQEDAAEFBwAVHQAYHgAZLwAWMAAXAAAAAAAFBwAVHQAYHgAZLwAWMAAXAAAABQcAHx0AIh4AIy8AIDAAIQAAAAAABQcAHx0AIh4AIy8AIDAAIQAAAAMHACkdACoeACsAAAADBwApHQAqHgArAAADBwAwHQAxHgAyAAAAAwcAMB0AMR4AMgIDnAEBCgAHAgOiAQEKAAcDBwA3HQA4HgA5AAAAAwcANx0AOB4AOQEDAAEBAwABBQcAPh0AQR4AQi8APzAAQAAAAAAABQcAPh0AQR4AQi8APzAAQAEFAAMBBQADBQcARx0ASh4ASy8ASDAASQAAAAAABQcARx0ASh4ASy8ASDAASQAAAAUHAFEdAFQeAFUvAFIwAFMAAAAAAAUHAFEdAFQeAFUvAFIwAFMAAAAFBwBbHQBeHgBfLwBcMABdAAAAAAAFBwBbHQBeHgBfLwBcMABdAAAABQcAZR0AaB4AaS8AZjAAZwAAAAAABQcAZR0AaB4AaS8AZjAAZwIHAG_GAaYCbAMHAG7DAQBrxQGqAm0BxAEAbAHFAasCAAHGAawCAAAAAwcAcx0AdB4AdQAAAAMHAHMdAHQeAHUBwwEAawHDAQBrBQcAeh0AfR4Afi8AezAAfAAAAAAABQcAeh0AfR4Afi8AezAAfAHEAQBsAcQBAGwFBwCDAR0AhgEeAIcBLwCEATAAhQEAAAAAAAUHAIMBHQCGAR4AhwEvAIQBMACFAQAAAAUHAI0BHQCQAR4AkQEvAI4BMACPAQAAAAAABQcAjQEdAJABHgCRAS8AjgEwAI8BCwIBDBsBDR0BDh4BDx8BESEBEiMKEyQLFCYBFSgKFikMGSoBGisBGywKHy8NIDARITECIjICIzMCJDQCJTUCJjcCJzkKKDoSKTwCKj4KKz8TLEACLUECLkIKMUUUMkYaM0gbNEkbNUwbNk0bN04bOFAbOVIKOlMcO1UbPFcKPVgdPlkbP1obQFsKQV4eQl8kQ2ElRGIlRWUlRmYlR2clSGklSWsKSmwmS24lTHAKTXEnTnIlT3MlUHQKUXcoUngsU3oHVHsHVX4HVn8HV4ABB1iCAQdZhAEKWoUBLVuHAQdciQEKXYoBLl6LAQdfjAEHYI0BCmGQAS9ikQEzY5IBBmSTAQZllAEGZpUBBmeWAQZomAEGaZoBCmqbATRrngEGbKABCm2hATVuowEGb6QBBnClAQpxqAE2cqkBOnOqAQN0qwEDdawBA3atAQN3rgEDeLABA3myAQp6swE7e7UBA3y3AQp9uAE8frkBA3-6AQOAAbsBCoEBvgE9ggG_AUODAcABBIQBwQEEhQHCAQSGAcMBBIcBxAEEiAHGAQSJAcgBCooByQFEiwHLAQSMAc0BCo0BzgFFjgHPAQSPAdABBJAB0QEKkQHUAUaSAdUBTJMB1wFNlAHYAU2VAdsBTZYB3AFNlwHdAU2YAd8BTZkB4QEKmgHiAU6bAeQBTZwB5gEKnQHnAU-eAegBTZ8B6QFNoAHqAQqhAe0BUKIB7gFWowHwAVekAfEBV6UB9AFXpgH1AVenAfYBV6gB-AFXqQH6AQqqAfsBWKsB_QFXrAH_AQqtAYACWa4BgQJXrwGCAlewAYMCCrEBhgJasgGHAmCzAYkCYbQBigJhtQGNAmG2AY4CYbcBjwJhuAGRAmG5AZMCCroBlAJiuwGWAmG8AZgCCr0BmQJjvgGaAmG_AZsCYcABnAIKwQGfAmTCAaACascBogJryAGtAmvJAbACa8oBsQJrywGyAmvMAbQCa80BtgIKzgG3AnDPAbkCa9ABuwIK0QG8AnHSAb0Ca9MBvgJr1AG_AgrVAcICctYBwwJ21wHEAmzYAcUCbNkBxgJs2gHHAmzbAcgCbNwBygJs3QHMAgreAc0Cd98BzwJs4AHRAgrhAdICeOIB0wJs4wHUAmzkAdUCCuUB2AJ55gHZAn_nAdoCbegB2wJt6QHcAm3qAd0CbesB3gJt7AHgAm3tAeICCu4B4wKAAe8B5QJt8AHnAgrxAegCgQHyAekCbfMB6gJt9AHrAgr1Ae4CggH2Ae8CiAH3AfECiQH4AfICiQH5AfUCiQH6AfYCiQH7AfcCiQH8AfkCiQH9AfsCCv4B_AKKAf8B_gKJAYACgAMKgQKBA4sBggKCA4kBgwKDA4kBhAKEAwqFAocDjAGGAogDkgE"
};
async function decodeBase64AsWasm(wasmBase64) {
  const { Buffer: Buffer2 } = await import("node:buffer");
  const wasmArray = Buffer2.from(wasmBase64, "base64");
  return new WebAssembly.Module(wasmArray);
}
config.compilerWasm = {
  getRuntime: async () => await import("@prisma/client/runtime/query_compiler_fast_bg.sqlite.mjs"),
  getQueryCompilerWasmModule: async () => {
    const { wasm } = await import("@prisma/client/runtime/query_compiler_fast_bg.sqlite.wasm-base64.mjs");
    return await decodeBase64AsWasm(wasm);
  },
  importName: "./query_compiler_fast_bg.js"
};
function getPrismaClientClass() {
  return runtime.getPrismaClient(config);
}

// server/store/generated/sqlite/internal/prismaNamespace.ts
import * as runtime2 from "@prisma/client/runtime/client";
var getExtensionContext = runtime2.Extensions.getExtensionContext;
var NullTypes2 = {
  DbNull: runtime2.NullTypes.DbNull,
  JsonNull: runtime2.NullTypes.JsonNull,
  AnyNull: runtime2.NullTypes.AnyNull
};
var TransactionIsolationLevel = runtime2.makeStrictEnum({
  Serializable: "Serializable"
});
var defineExtension = runtime2.Extensions.defineExtension;

// server/store/generated/sqlite/client.ts
globalThis["__dirname"] = path5.dirname(fileURLToPath(import.meta.url));
var PrismaClient = getPrismaClientClass();

// server/store/migrate.ts
import { createHash as createHash3 } from "node:crypto";
import { existsSync as existsSync5 } from "node:fs";
import { readdir, readFile as readFile2 } from "node:fs/promises";
import path7 from "node:path";
import { fileURLToPath as fileURLToPath2 } from "node:url";
import Database from "better-sqlite3";
import pg2 from "pg";

// server/store/schema-engine.ts
import { randomUUID as randomUUID2 } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path6 from "node:path";
import pg from "pg";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
var GLUE_SPECIFIER = "@prisma/schema-engine-wasm/schema_engine_bg";
var NO_FILTERS = { externalTables: [], externalEnums: [] };
var GLUE_KEY = /* @__PURE__ */ Symbol.for("arcan.store.schema-engine-wasm");
var shared = globalThis;
function loadGlue() {
  const existing = shared[GLUE_KEY];
  if (existing?.panic) {
    const message = `Prisma schema engine panicked earlier (${existing.panic})`;
    return Promise.reject(new Error(`${message}; restart the process`));
  }
  if (existing) return existing.glue;
  const state = {
    panic: void 0,
    glue: (async () => {
      const require2 = createRequire(import.meta.url);
      const gluePath = require2.resolve(GLUE_SPECIFIER);
      const wasmPath = path6.join(path6.dirname(gluePath), "schema_engine_bg.wasm");
      const glue = await import(GLUE_SPECIFIER);
      const bytes = await readFile(wasmPath);
      const functions = { ...glue };
      for (const name of Object.keys(functions)) {
        if (name.startsWith("__wbg_setTimeout_")) {
          functions[name] = (fn, ms) => setTimeout(fn, ms >>> 0).unref();
        }
        if (name.startsWith("__wbg_set_message_")) {
          functions[name] = (ptr, len) => {
            const memory = instance.exports["memory"];
            state.panic = new TextDecoder().decode(new Uint8Array(memory.buffer, ptr >>> 0, len));
          };
        }
      }
      const imports = { "./schema_engine_bg.js": functions };
      const { instance } = await WebAssembly.instantiate(bytes, imports);
      glue.__wbg_set_wasm(instance.exports);
      const start = instance.exports["__wbindgen_start"];
      if (typeof start === "function") start();
      return glue;
    })()
  };
  shared[GLUE_KEY] = state;
  state.glue.catch(() => {
    if (shared[GLUE_KEY] === state) delete shared[GLUE_KEY];
  });
  return state.glue;
}
function panicked(err) {
  const panic = shared[GLUE_KEY]?.panic;
  return panic ? new Error(`Prisma schema engine panicked: ${panic}`, { cause: err }) : err;
}
async function withSchemaEngine(opts, fn) {
  const glue = await loadGlue();
  const opened = [];
  const inner = opts.adapter;
  const tracked = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => {
      const adapter = await inner.connect();
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: () => inner.connectToShadowDb()
  };
  const keepAlive = setInterval(() => void 0, 6e4);
  try {
    const engine = await glue.SchemaEngine.new(
      { datamodels: void 0 },
      (line) => opts.log?.(line),
      bindMigrationAwareSqlAdapterFactory(tracked)
    );
    try {
      return await fn(engine);
    } catch (err) {
      throw panicked(err);
    } finally {
      if (!shared[GLUE_KEY]?.panic) engine.free();
    }
  } finally {
    clearInterval(keepAlive);
    await Promise.all(opened.map((adapter) => adapter.dispose().catch(() => void 0)));
  }
}
var PG_CHAR_OID = 18;
var PG_TEXT_OID = 25;
function charColumnsAsText(result) {
  for (const one of Array.isArray(result) ? result : [result]) {
    const fields = one?.fields ?? [];
    for (const field of fields) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
  }
}
var CatalogCharClient = class extends pg.Client {
};
var clientQuery = pg.Client.prototype.query;
CatalogCharClient.prototype.query = function(...args) {
  const callback = args.at(-1);
  if (typeof callback === "function") {
    args[args.length - 1] = (err, res) => {
      if (!err) charColumnsAsText(res);
      callback(err, res);
    };
    return Reflect.apply(clientQuery, this, args);
  }
  const ret = Reflect.apply(clientQuery, this, args);
  return ret instanceof Promise ? ret.then((res) => (charColumnsAsText(res), res)) : ret;
};
function overriding(adapter, overrides) {
  return new Proxy(adapter, {
    get(target, prop) {
      if (Object.hasOwn(overrides, prop)) return overrides[prop];
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    }
  });
}
async function pgAdmin(url, sql2) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql2);
  } finally {
    await client.end();
  }
}
function pgEngineAdapter(url) {
  const open = (connectionString) => new PrismaPg({ connectionString, max: 1, Client: CatalogCharClient }).connect();
  return {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    connect: () => open(url),
    // Replaces PrismaPg's own, which (7.10.1) opens the shadow as `{ ...config, database }`
    // (a connection string overrides `database`: the "shadow" is the main database) and
    // drops the shadow database before closing its pool (PostgreSQL refuses).
    connectToShadowDb: async () => {
      const name = `prisma_migrate_shadow_db_${randomUUID2()}`;
      await pgAdmin(url, `CREATE DATABASE "${name}"`);
      const shadowUrl = new URL(url);
      shadowUrl.pathname = `/${name}`;
      const shadow = await open(shadowUrl.href);
      return overriding(shadow, {
        dispose: async () => {
          await shadow.dispose();
          await pgAdmin(url, `DROP DATABASE IF EXISTS "${name}"`);
        }
      });
    }
  };
}
function sqliteEngineAdapter(url) {
  const inner = new PrismaBetterSqlite3({ url, timeout: 5e3 });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: () => inner.connect(),
    connectToShadowDb: async () => {
      const shadow = await inner.connectToShadowDb();
      return overriding(shadow, {
        executeRaw: async (query2) => {
          if (query2.args.length > 0) return shadow.executeRaw(query2);
          await shadow.executeScript(query2.sql);
          return 0;
        }
      });
    }
  };
}

// server/store/migrate.ts
var MIGRATIONS_ROOT = fileURLToPath2(new URL("../../prisma/migrations/", import.meta.url));
function migrationsDir(provider, root = MIGRATIONS_ROOT) {
  return path7.join(root, provider === "sqlite" ? "sqlite" : "postgres");
}
var LOCKFILE = "migration_lock.toml";
var MIGRATION_FILE = "migration.sql";
async function readMigrationList(dir) {
  const lockContent = await readFile2(path7.join(dir, LOCKFILE), "utf8").catch(() => null);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const content = await readFile2(path7.join(dir, entry.name, MIGRATION_FILE), "utf8").then(
      (value) => ({ tag: "ok", value }),
      (err) => ({ tag: "error", value: err.message })
    );
    migrationDirectories.push({
      path: entry.name,
      migrationFile: { path: MIGRATION_FILE, content }
    });
  }
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path));
  return {
    baseDir: dir,
    lockfile: { path: LOCKFILE, content: lockContent },
    migrationDirectories,
    shadowDbInitScript: ""
  };
}
function engineAdapter(location) {
  return location.provider === "sqlite" ? sqliteEngineAdapter(location.url) : pgEngineAdapter(location.url);
}
var PG_MIGRATE_LOCK_KEY = 0x617263616e2d6d67n;
async function withPgMigrateLock(url, fn) {
  const client = new pg2.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1::bigint)", [PG_MIGRATE_LOCK_KEY.toString()]);
    try {
      return await fn();
    } finally {
      await client.query("SELECT pg_advisory_unlock($1::bigint)", [PG_MIGRATE_LOCK_KEY.toString()]);
    }
  } finally {
    await client.end();
  }
}
async function applyMigrations(location, opts = {}) {
  const dir = migrationsDir(location.provider, opts.migrationsRoot);
  const migrationsList = await readMigrationList(dir);
  if (migrationsList.migrationDirectories.length === 0) {
    throw new Error(`No migrations found in ${dir}; run \`npm run db:migration -- <name>\``);
  }
  const runEngine = () => withSchemaEngine({ adapter: engineAdapter(location) }, async (engine) => {
    const out = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return out.appliedMigrationNames;
  });
  const key = `migrate:${location.provider}:${location.url}`;
  if (location.provider === "postgresql") {
    return inProcessTurn(key, () => withPgMigrateLock(location.url, runEngine));
  }
  return inProcessTurn(key, async () => {
    if (sqliteUpToDate(location.url, migrationsList)) return [];
    try {
      return await runEngine();
    } catch (err) {
      if (!String(err).includes("SocketTimeout")) throw err;
      throw new Error(
        `Cannot apply migrations to ${location.url}: the database is busy. The schema engine needs the file to itself while it migrates: stop other processes using it.`,
        { cause: err }
      );
    }
  });
}
function sqliteUpToDate(file, list) {
  if (!existsSync5(file)) return false;
  const db = new Database(file, { readonly: true, fileMustExist: true, timeout: 5e3 });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();
    if (!table) return false;
    const rows = db.prepare(
      "SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations"
    ).all();
    const live = rows.filter((r) => r.rolled_back_at === null);
    if (live.length !== list.migrationDirectories.length) return false;
    const applied = new Map(live.map((r) => [r.migration_name, r]));
    return list.migrationDirectories.every(({ path: name, migrationFile: { content } }) => {
      const row = applied.get(name);
      return content.tag === "ok" && row?.finished_at != null && row.checksum === createHash3("sha256").update(content.value).digest("hex");
    });
  } finally {
    db.close();
  }
}
var turns = /* @__PURE__ */ new Map();
function inProcessTurn(key, fn) {
  const previous = turns.get(key) ?? Promise.resolve();
  const mine = previous.then(fn, fn);
  const settled = mine.catch(() => void 0);
  turns.set(key, settled);
  void settled.then(() => {
    if (turns.get(key) === settled) turns.delete(key);
  });
  return mine;
}

// server/store/fast-path.ts
import Database2 from "better-sqlite3";
import { Worker } from "node:worker_threads";
function openSqliteFastPath(file) {
  const db = new Database2(file);
  db.pragma("busy_timeout = 0");
  const readCurrent = db.prepare(
    `SELECT s.createdAt AS sc, v.version, v.ciphertext, v.keyVersion, v.createdAt AS vc
       FROM Secret s JOIN SecretVersion v ON v.secretId = s.id AND v.version = s.currentVersion
      WHERE s.realmId = ? AND s.key = ?`
  );
  const readVersion = db.prepare(
    `SELECT s.createdAt AS sc, v.version, v.ciphertext, v.keyVersion, v.createdAt AS vc
       FROM Secret s JOIN SecretVersion v ON v.secretId = s.id AND v.version = ?3
      WHERE s.realmId = ?1 AND s.key = ?2`
  );
  const worker = startAuditWorker(file);
  worker.unref();
  const pending = /* @__PURE__ */ new Map();
  let nextId = 1;
  worker.on("message", (reply) => {
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    if (reply.ok) p?.resolve();
    else p?.reject(new Error(`audit commit failed: ${reply.error}`));
  });
  worker.on("error", (err) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  return {
    readSecret(realmId, key, version) {
      let row;
      try {
        row = version === void 0 ? readCurrent.get(realmId, key) : readVersion.get(realmId, key, version);
      } catch (err) {
        if (err.code === "SQLITE_BUSY") return void 0;
        throw err;
      }
      if (!row) return null;
      return { secretCreatedAt: new Date(row.sc), version: row.version, ciphertext: row.ciphertext, keyVersion: row.keyVersion, versionCreatedAt: new Date(row.vc) };
    },
    appendAudit(rows) {
      const id = nextId++;
      const message = { id, rows: JSON.stringify(rows) };
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage(message);
      });
    },
    async close() {
      db.close();
      worker.postMessage("close");
      await new Promise((r) => worker.once("exit", r));
    }
  };
}
function startAuditWorker(file) {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./store/audit-worker.mjs", here), { workerData: { file } });
  const tsxApi = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./audit-worker.ts", here).href;
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData: { file } });
}

// server/store/client.ts
var SQLITE_FILE = "arcan.db";
var PING_TIMEOUT_MS = 2e3;
var SQLITE_PRAGMAS = [
  { name: "journal_mode", set: "WAL", expect: "wal" },
  { name: "foreign_keys", set: "ON", expect: "1" },
  { name: "synchronous", set: "FULL", expect: "2" },
  { name: "busy_timeout", set: "5000", expect: "5000" }
];
function withPragmas(factory) {
  const script = SQLITE_PRAGMAS.map((p) => `PRAGMA ${p.name} = ${p.set};`).join("\n");
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      await adapter.executeScript(script);
      return adapter;
    }
  };
}
async function assertPragmas(db, file) {
  for (const pragma of SQLITE_PRAGMAS) {
    const rows = await db.$queryRawUnsafe(`PRAGMA ${pragma.name}`);
    const actual = String(Object.values(rows[0] ?? {})[0]).toLowerCase();
    if (actual !== pragma.expect) {
      throw new Error(
        `SQLite ${file}: PRAGMA ${pragma.name} is ${actual}, expected ${pragma.expect} (the file system may not support it, e.g. WAL on a network share)`
      );
    }
  }
}
function makeStore(db, provider, fast = null) {
  let closed = false;
  return {
    db,
    provider,
    fast,
    close: async () => {
      closed = true;
      await fast?.close();
      await db.$disconnect();
    },
    ping: async () => {
      if (closed) return false;
      let timer;
      const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
      });
      const query2 = db.$queryRawUnsafe("SELECT 1").then(
        () => true,
        () => false
      );
      try {
        return await Promise.race([query2, timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
  };
}
async function openSqlite(dataDir) {
  await mkdir(dataDir, { recursive: true });
  const file = path9.resolve(dataDir, SQLITE_FILE);
  return inProcessTurn(`open:${file}`, () => openSqliteFile(file));
}
async function openSqliteFile(file) {
  await applyMigrations({ provider: "sqlite", url: file });
  const db = new PrismaClient({
    adapter: withPragmas(new PrismaBetterSqlite32({ url: file, timeout: 5e3 }))
  });
  try {
    await db.$connect();
    await assertPragmas(db, file);
  } catch (err) {
    await db.$disconnect();
    throw err;
  }
  return makeStore(db, "sqlite", openSqliteFastPath(file));
}
async function openPostgres(url) {
  await applyMigrations({ provider: "postgresql", url });
  const [{ PrismaPg: PrismaPg2 }, pgClient] = await Promise.all([
    import("@prisma/adapter-pg"),
    Promise.resolve().then(() => (init_client(), client_exports))
  ]);
  const db = new pgClient.PrismaClient({
    adapter: new PrismaPg2({ connectionString: url })
  });
  try {
    await db.$connect();
  } catch (err) {
    await db.$disconnect();
    throw err;
  }
  return makeStore(db, "postgresql");
}
async function openStore(opts) {
  const url = opts.databaseUrl?.trim();
  if (!url) return openSqlite(opts.dataDir);
  if (/^postgres(ql)?:\/\//i.test(url)) return openPostgres(url);
  const scheme = url.split(":")[0];
  throw new Error(
    `Unsupported database URL scheme "${scheme}:": use postgres:// or postgresql://, or leave it unset for SQLite in the data directory`
  );
}

// server/tokens/bootstrap.ts
var RECOVERY_TOKEN_NAME = "arcan-recovery";
async function ensureBootstrapToken(db, opts) {
  const outcomes = [];
  if (await db.token.count() === 0) {
    const value = opts.value || generateToken("arc_");
    await createAdmin(db, "bootstrap-admin", value);
    outcomes.push({ kind: "created", name: "bootstrap-admin", printedValue: opts.value ? null : value });
    return outcomes;
  }
  if (opts.force && opts.value) {
    const existing = await db.token.findFirst({ where: { name: RECOVERY_TOKEN_NAME } });
    if (!existing) {
      await createAdmin(db, RECOVERY_TOKEN_NAME, opts.value);
      outcomes.push({ kind: "created", name: RECOVERY_TOKEN_NAME, printedValue: null });
      return outcomes;
    }
  }
  outcomes.push({ kind: "unchanged" });
  return outcomes;
}
async function createAdmin(db, name, value) {
  await db.token.create({
    data: {
      id: newId("tok"),
      name,
      description: name === RECOVERY_TOKEN_NAME ? "Recovery admin token added by ARCAN_FORCE_BOOTSTRAP" : "Admin token created on first start",
      prefix: displayPrefix(value),
      hash: hashToken(value),
      isAdmin: true,
      capabilities: JSON.stringify(["admin"]),
      realms: JSON.stringify(["*"]),
      createdBy: "system"
    }
  });
}

// server/main.ts
function projectRoot() {
  let dir = path10.dirname(fileURLToPath4(import.meta.url));
  while (!existsSync6(path10.join(dir, "package.json")) && path10.dirname(dir) !== dir) dir = path10.dirname(dir);
  return dir;
}
var ROOT = projectRoot();
async function main() {
  let config3;
  try {
    config3 = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`arcan: ${err.message}
`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config3.log.level);
  const metrics = createMetrics();
  mkdirSync(config3.data_dir, { recursive: true, mode: 448 });
  const tls = await loadTls({ certFile: config3.tls.cert_file, keyFile: config3.tls.key_file, dataDir: config3.data_dir });
  const store = await openStore({ dataDir: config3.data_dir, ...config3.database_url ? { databaseUrl: config3.database_url } : {} });
  const kms = LocalKeyFileKms.inDataDir(config3.data_dir);
  kms.load();
  const services = createServices({ config: config3, store, kms, logger, metrics });
  publishServices(services);
  await services.roles.ensureBuiltins();
  for (const outcome of await ensureBootstrapToken(store.db, { value: config3.auth.bootstrap_token, force: config3.auth.force_bootstrap })) {
    if (outcome.kind !== "created") continue;
    if (outcome.printedValue) process.stderr.write(`
Admin token (shown once, store it now): ${outcome.printedValue}

`);
    else process.stderr.write(`Admin token "${outcome.name}" created from ARCAN_BOOTSTRAP_TOKEN.
`);
  }
  const rest = createRestApp(services);
  const web = config3.console.enabled ? await startConsole(config3) : notFound;
  const { server, inFlight } = createArcanServer(tls, rest, web);
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(config3.port, config3.host, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config3.port;
  const shownHost = config3.host === "0.0.0.0" || config3.host === "::" ? "localhost" : config3.host;
  process.stderr.write(
    `Arcan is listening on https://${shownHost}:${port}/ (store: ${store.provider}${config3.console.enabled ? ", console on" : ""})
TLS certificate ${tls.certFile}${tls.selfSigned ? " (self-signed)" : ""}, SHA-256 fingerprint ${tls.fingerprint256}
`
  );
  logger.info({ port, provider: store.provider }, "listening");
  const timers = [
    setInterval(() => void services.decisions.flush(), 5e3),
    setInterval(() => void services.tokens.flushLastUsed().catch(() => {
    }), 1e4)
  ];
  timers.forEach((t) => t.unref());
  services.dispatcher.start();
  services.syslog?.start();
  let stopping = false;
  const shutdown = async (signal) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "draining");
    server.close();
    server.closeIdleConnections();
    const deadline = Date.now() + 1e4;
    while (inFlight() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    server.closeAllConnections();
    timers.forEach(clearInterval);
    await services.dispatcher.stop();
    await flushAll(services);
    await services.syslog?.stop();
    await store.close();
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
async function flushAll(services) {
  await services.auditWriter.drain();
  await services.decisions.flush();
  await services.tokens.flushLastUsed().catch(() => {
  });
}
async function startConsole(config3) {
  prepareConsoleEnvironment(config3.data_dir);
  const { default: next } = await import("next");
  const app = next({ dev: config3.console.dev, dir: ROOT, hostname: config3.host, port: config3.port });
  await app.prepare();
  const handle = app.getRequestHandler();
  return withConsoleSecurity((req, res) => handle(req, res), { dev: config3.console.dev });
}
var notFound = (_req, res) => {
  sendProblem(res, new AppError("not_found", "The console is disabled on this server.", { code: "console_disabled" }), newRequestId());
};
main().catch((err) => {
  process.stderr.write(`arcan: failed to start: ${err instanceof Error ? err.message : String(err)}
`);
  process.exit(1);
});
//# sourceMappingURL=main.mjs.map
