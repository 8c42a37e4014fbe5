/** Method + path matching for the REST routes (`/api/v1/realms/:realm/secrets/:key`). */
import { AppError } from "../errors";

export interface Match<T> {
  route: T;
  params: Record<string, string>;
}

interface Compiled<T> {
  method: string;
  regex: RegExp;
  keys: string[];
  route: T;
}

/**
 * A parameter never spans a slash, so a path can only match routes with as many slashes
 * as it has: the routes are kept in table order per slash count, and a request tries only
 * its own group (the same first match, 404 and 405 as trying every route).
 */
export class Router<T extends { method: string; path: string }> {
  private readonly bySlashes = new Map<number, Compiled<T>[]>();

  constructor(routes: readonly T[]) {
    for (const route of routes) {
      const keys: string[] = [];
      const pattern = route.path.replace(/[.]/g, "\\.").replace(/:([a-z_]+)/g, (_, key: string) => {
        keys.push(key);
        return "([^/]+)";
      });
      const slashes = slashCount(route.path);
      let group = this.bySlashes.get(slashes);
      if (!group) this.bySlashes.set(slashes, (group = []));
      group.push({ method: route.method, regex: new RegExp(`^${pattern}$`), keys, route });
    }
  }

  /** The matching route; 404 when no path matches, 405 when only the method differs. */
  match(method: string, path: string): Match<T> {
    let pathMatched = false;
    for (const c of this.bySlashes.get(slashCount(path)) ?? []) {
      const m = c.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (c.method !== method && !(method === "HEAD" && c.method === "GET")) continue;
      const params: Record<string, string> = {};
      for (let i = 0; i < c.keys.length; i++) params[c.keys[i]!] = decodeParam(c.keys[i]!, m[i + 1]!);
      return { route: c.route, params };
    }
    if (pathMatched) throw new AppError("method_not_allowed", `${method} is not allowed on ${path}.`, { code: "method_not_allowed" });
    throw new AppError("not_found", `No endpoint at ${path}.`, { code: "route_not_found" });
  }
}

function slashCount(path: string): number {
  let count = 0;
  for (let i = path.indexOf("/"); i >= 0; i = path.indexOf("/", i + 1)) count++;
  return count;
}

function decodeParam(key: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new AppError("invalid_input", `The path segment for "${key}" is not valid percent-encoding.`, { issues: [{ field: key, message: "bad encoding" }] });
  }
}
