/**
 * Which attributes a set of Cedar policies can read, so a decision converts only those.
 * cedar-wasm reads the request through serde-wasm-bindgen, one JS call per property, and
 * that conversion dominates a decision's cost; most request attributes are never looked at.
 *
 * Why pruning cannot change a decision: a Cedar expression reaches entity and context data
 * only through `.` and `has` chains rooted at `principal`, `resource` or `context` (entity
 * parents, types and tags are not pruned; request values hold no entity references, the
 * engine drops `__entity` escapes). Each chain's attributes are kept, so `.`/`has` on a
 * pruned record answers as on the full one; where a chain (or `context` itself) is used as a
 * value — compared, passed to `contains`, put in a set — its whole subtree is kept, so the
 * value is identical. `principal`/`resource` used as values are entity references compared
 * by uid and need no attributes. Anything this walk cannot classify (template slots, a
 * `.` on something other than a chain, an unknown expression form) keeps everything.
 */
import type { PolicyJson } from "@cedar-policy/cedar-wasm/nodejs";

/** Below one point of a record: every key (`"all"`), or only these keys and what is read below them. */
export type AttributeTree = "all" | ReadonlyMap<string, AttributeTree>;

export interface ReadAttributes {
  principal: AttributeTree;
  resource: AttributeTree;
  context: AttributeTree;
}

export const EVERYTHING: ReadAttributes = { principal: "all", resource: "all", context: "all" };

type Root = keyof ReadAttributes;
type Json = unknown;

interface Node {
  all: boolean;
  children: Map<string, Node>;
}

const emptyNode = (): Node => ({ all: false, children: new Map() });

class Collector {
  readonly roots: Record<Root, Node> = { principal: emptyNode(), resource: emptyNode(), context: emptyNode() };

  /** Marks a path as read; `whole` keeps everything below its end. */
  mark(root: Root, attrs: readonly string[], whole: boolean): void {
    let node = this.roots[root];
    for (const attr of attrs) {
      if (node.all) return;
      let child = node.children.get(attr);
      if (!child) {
        child = emptyNode();
        node.children.set(attr, child);
      }
      node = child;
    }
    if (whole) {
      node.all = true;
      node.children.clear();
    }
  }

  everything(roots: readonly Root[] = ["principal", "resource", "context"]): void {
    for (const root of roots) this.mark(root, [], true);
  }

  result(): ReadAttributes {
    return { principal: frozen(this.roots.principal), resource: frozen(this.roots.resource), context: frozen(this.roots.context) };
  }
}

function frozen(node: Node): AttributeTree {
  if (node.all) return "all";
  return new Map([...node.children].map(([key, child]) => [key, frozen(child)]));
}

const isRecord = (value: Json): value is Record<string, Json> => value !== null && typeof value === "object" && !Array.isArray(value);

/** Binary operators: both sides are plain values. */
const BINARY = new Set(["==", "!=", "in", "<", "<=", ">", ">=", "&&", "||", "+", "-", "*", "contains", "containsAll", "containsAny", "getTag", "hasTag"]);
const UNARY = new Set(["!", "neg", "isEmpty"]);

/** A `.` chain down to its base: a Var root, or some other expression. */
function chain(expr: Json): { base: Json; attrs: string[] } {
  const attrs: string[] = [];
  let current = expr;
  for (;;) {
    if (!isRecord(current)) break;
    const dot = current["."];
    if (!isRecord(dot) || typeof dot.attr !== "string" || Object.keys(current).length !== 1) break;
    attrs.unshift(dot.attr);
    current = dot.left;
  }
  return { base: current, attrs };
}

function rootOf(base: Json): Root | "action" | null {
  if (!isRecord(base) || Object.keys(base).length !== 1) return null;
  const v = base.Var;
  return v === "principal" || v === "resource" || v === "context" || v === "action" ? v : null;
}

/** Records what reading `attrs` below `base` needs; `whole` when the result is used as a value. */
function readPath(base: Json, attrs: readonly string[], whole: boolean, into: Collector): void {
  const root = rootOf(base);
  // The action entity is not in the request's entity store; nothing of ours is read.
  if (root === "action") return;
  if (root) {
    into.mark(root, attrs, whole);
    return;
  }
  // A `.`/`has` on anything else (an entity literal, an if-then-else choosing an entity) may
  // read any entity's attributes.
  into.everything(["principal", "resource"]);
  value(base, into);
}

/** Walks an expression whose result is used as a value. */
function value(expr: Json, into: Collector): void {
  if (!isRecord(expr)) return into.everything();
  const keys = Object.keys(expr);
  if (keys.length !== 1) return into.everything();
  const op = keys[0]!;
  const body = expr[op];
  if (op === "Value") return;
  if (op === "Var") {
    if (body === "context") into.mark("context", [], true);
    else if (body !== "principal" && body !== "resource" && body !== "action") into.everything();
    return;
  }
  if (op === ".") {
    const { base, attrs } = chain(expr);
    if (attrs.length === 0) return into.everything();
    return readPath(base, attrs, true, into);
  }
  if (op === "has") {
    if (!isRecord(body)) return into.everything();
    const has = typeof body.attr === "string" ? [body.attr] : Array.isArray(body.attr) && body.attr.every((a) => typeof a === "string") ? (body.attr as string[]) : null;
    if (!has || has.length === 0) return into.everything();
    const { base, attrs } = chain(body.left);
    return readPath(base, [...attrs, ...has], false, into);
  }
  if (BINARY.has(op)) {
    if (!isRecord(body)) return into.everything();
    value(body.left, into);
    return value(body.right, into);
  }
  if (UNARY.has(op)) return isRecord(body) ? value(body.arg, into) : into.everything();
  if (op === "like") return isRecord(body) ? value(body.left, into) : into.everything();
  if (op === "is") {
    if (!isRecord(body)) return into.everything();
    value(body.left, into);
    if (body.in !== undefined) value(body.in, into);
    return;
  }
  if (op === "if-then-else") {
    if (!isRecord(body)) return into.everything();
    for (const part of [body.if, body.then, body.else]) value(part, into);
    return;
  }
  if (op === "Record") {
    if (!isRecord(body)) return into.everything();
    for (const part of Object.values(body)) value(part, into);
    return;
  }
  // `Set` and extension calls (`ip`, `decimal`, `isInRange`, …) take a list of values.
  if (Array.isArray(body)) {
    for (const part of body) value(part, into);
    return;
  }
  // Slots, unknowns and forms this walk does not know.
  into.everything();
}

/** A scope constraint reads no attributes, unless it names a template slot. */
function hasSlot(scope: Json): boolean {
  if (Array.isArray(scope)) return scope.some(hasSlot);
  return isRecord(scope) && ("slot" in scope || Object.values(scope).some(hasSlot));
}

/** What one policy (its JSON form, as `cedar.policyToJson` gives it) can read. */
export function attributesRead(policy: PolicyJson): ReadAttributes {
  const into = new Collector();
  if ([policy.principal, policy.action, policy.resource].some(hasSlot)) into.everything();
  const conditions: Json = (policy as { conditions?: Json }).conditions;
  if (conditions !== undefined && !Array.isArray(conditions)) into.everything();
  for (const condition of Array.isArray(conditions) ? conditions : []) {
    if (isRecord(condition)) value(condition.body, into);
    else into.everything();
  }
  return into.result();
}

/** What a set of policies can read: the union of each one's reads. */
export function mergeReads(reads: readonly ReadAttributes[]): ReadAttributes {
  return {
    principal: reads.map((r) => r.principal).reduce(union, new Map()),
    resource: reads.map((r) => r.resource).reduce(union, new Map()),
    context: reads.map((r) => r.context).reduce(union, new Map()),
  };
}

function union(a: AttributeTree, b: AttributeTree): AttributeTree {
  if (a === "all" || b === "all") return "all";
  const out = new Map(a);
  for (const [key, below] of b) {
    const mine = out.get(key);
    out.set(key, mine ? union(mine, below) : below);
  }
  return out;
}
