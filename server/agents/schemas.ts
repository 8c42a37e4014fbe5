/** The agents contract: each operation's input and output, its capability and audit action. */
import { z } from "zod";
import { ZScope } from "./scopes";

export const agentOps = {
  create: { capability: "agents:manage", action: "agent.create" },
  list: { capability: "agents:read", action: "agent.list" },
  get: { capability: "agents:read", action: "agent.read" },
  update: { capability: "agents:manage", action: "agent.update" },
  rotate: { capability: "agents:manage", action: "agent.rotate" },
  delete: { capability: "agents:manage", action: "agent.delete" },
} as const;

export const AGENT_ID = /^agn_[0-9a-f]{32}$/;
export const ZAgentId = z.string().regex(AGENT_ID, "not an agent id").meta({ examples: ["agn_0193f1c2a4b5d6e7f8091a2b3c4d5e6f"] });
export const ZAgentIdParams = z.strictObject({ id: ZAgentId });

export const ZAgentName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$/, "letters, digits, '.', '_' and '-', at most 100 characters");
export const ZTrustTier = z.number().int("trust_tier is an integer").min(0, "trust_tier is 0–3").max(3, "trust_tier is 0–3");
export const ZAllowedScopes = z.array(ZScope).max(200);

const AGENT_EXAMPLE = {
  id: "agn_0193f1c2a4b5d6e7f8091a2b3c4d5e6f",
  name: "invoice-reconciler",
  description: "",
  trust_tier: 2,
  allowed_scopes: ["jira.read:project/FIN-*", "confluence.write:space/FIN-OPS"],
  prefix: "agt_7Ys2",
  disabled: false,
  created_at: "2026-11-22T10:00:00.000Z",
  updated_at: "2026-11-22T10:00:00.000Z",
  rotated_at: null,
  created_by: "token:tok_0a1b2c3d4e5f60718293a4b5c6d7e8f9",
};

export const ZAgent = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    trust_tier: z.number().int(),
    allowed_scopes: z.array(z.string()),
    prefix: z.string().describe("First characters of the credential, for recognition only"),
    disabled: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
    rotated_at: z.string().nullable(),
    created_by: z.string(),
  })
  .meta({ id: "Agent", description: "A registered software actor (never its credential or hash)", examples: [AGENT_EXAMPLE] });
export type AgentView = z.output<typeof ZAgent>;

export const ZAgentWithCredential = ZAgent.extend({
  credential: z.string().describe("The agt_ credential; shown only in this response"),
}).meta({ id: "AgentWithCredential", description: "An agent with its credential, returned once by create and rotate" });
export type AgentWithCredential = z.output<typeof ZAgentWithCredential>;

export const ZCreateAgent = z
  .strictObject({
    name: ZAgentName,
    trust_tier: ZTrustTier,
    allowed_scopes: ZAllowedScopes,
    description: z.string().max(1000).optional(),
  })
  .meta({ id: "CreateAgentRequest", examples: [{ name: "invoice-reconciler", trust_tier: 2, allowed_scopes: ["jira.read:project/FIN-*"] }] });
export type CreateAgentInput = z.output<typeof ZCreateAgent>;

export const ZUpdateAgent = z
  .strictObject({
    name: ZAgentName.optional(),
    trust_tier: ZTrustTier.optional(),
    allowed_scopes: ZAllowedScopes.optional(),
    description: z.string().max(1000).optional(),
    disabled: z.boolean().optional(),
  })
  .meta({ id: "UpdateAgentRequest", examples: [{ disabled: true }] });
export type UpdateAgentInput = z.output<typeof ZUpdateAgent>;

export const ZAgentListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: ZAgentId.optional(),
});
export type AgentListQuery = z.output<typeof ZAgentListQuery>;

export const ZAgentList = z.object({ items: z.array(ZAgent), next_cursor: z.string().nullable() }).meta({ id: "AgentList" });
export type AgentList = z.output<typeof ZAgentList>;
