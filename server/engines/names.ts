/** Naming rules of engines and roles, free of zod so console forms can import them cheaply. */

/** Mount and role names: lowercase letters, digits, '_' and '-'. */
export const ENGINE_NAME = /^[a-z0-9](?:[a-z0-9_-]{0,61}[a-z0-9])?$/;
/** The built-in secrets engine: it needs no mount, and no mount may take its name. */
export const BUILTIN_KV = "kv";
