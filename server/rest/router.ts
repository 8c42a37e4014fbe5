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

export class Router<T extends { method: string; path: string }> {
  private readonly compiled: Compiled<T>[];

  constructor(routes: readonly T[]) {
    this.compiled = routes.map((route) => {
      const keys: string[] = [];
      const pattern = route.path.replace(/[.]/g, "\\.").replace(/:([a-z_]+)/g, (_, key: string) => {
        keys.push(key);
        return "([^/]+)";
      });
      return { method: route.method, regex: new RegExp(`^${pattern}$`), keys, route };
    });
  }

  /** The matching route; 404 when no path matches, 405 when only the method differs. */
  match(method: string, path: string): Match<T> {
    let pathMatched = false;
    for (const c of this.compiled) {
      const m = c.regex.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (c.method !== method && !(method === "HEAD" && c.method === "GET")) continue;
      const params: Record<string, string> = {};
      c.keys.forEach((key, i) => {
        try {
          params[key] = decodeURIComponent(m[i + 1]!);
        } catch {
          throw new AppError("invalid_input", `The path segment for "${key}" is not valid percent-encoding.`, { issues: [{ field: key, message: "bad encoding" }] });
        }
      });
      return { route: c.route, params };
    }
    if (pathMatched) throw new AppError("method_not_allowed", `${method} is not allowed on ${path}.`, { code: "method_not_allowed" });
    throw new AppError("not_found", `No endpoint at ${path}.`, { code: "route_not_found" });
  }
}
