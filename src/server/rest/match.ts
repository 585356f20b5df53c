import type { Permission } from "@/lib/permissions";
import { procedureMeta } from "@/server/root";
import { REST_ROUTES } from "./routes";
import type { HttpMethod, RestRoute } from "./types";

interface Compiled {
  route: RestRoute;
  pattern: RegExp;
  names: string[];
  permission: Permission;
}

function compile(route: RestRoute): Compiled {
  // Every REST row reaches a `requires(...)` procedure: the adapter authorizes before the body
  // is read, so a row without a permission would be a hole, refused at start-up.
  const permission = procedureMeta(route.procedure).permission;
  if (!permission) throw new Error(`REST route ${route.method} ${route.path}: ${route.procedure} has no permission`);
  const names: string[] = [];
  const source = route.path
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(segment.slice(1));
      return "([^/]+)";
    })
    .join("/");
  return { route, pattern: new RegExp(`^${source}/?$`), names, permission };
}

// Literal paths first so `/remediation/stats` never matches `/remediation/:id`.
const COMPILED = REST_ROUTES.map(compile).sort((a, b) => a.names.length - b.names.length);

export interface RouteMatch {
  route: RestRoute;
  params: Record<string, string>;
  /** The permission of the route's procedure (read once, when the table is compiled). */
  permission: Permission;
}

/**
 * A path segment as the client meant it. A malformed percent-encoding (`%ZZ`, a lone `%`, bytes
 * that are not UTF-8) stays as sent: it still contains a `%`, so it can never be a valid id and
 * the use case answers it like any unknown id (404, or `[]` for history), after authentication.
 */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function matchRoute(method: string, pathname: string): RouteMatch | undefined {
  for (const c of COMPILED) {
    if (c.route.method !== method) continue;
    const m = c.pattern.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    c.names.forEach((name, i) => {
      params[name] = decodeSegment(m[i + 1] ?? "");
    });
    return { route: c.route, params, permission: c.permission };
  }
  return undefined;
}

// Every method of the table (exhaustive: a new HttpMethod fails tsc here), in `Allow` order.
const METHODS = Object.keys({ GET: true, POST: true, PUT: true, DELETE: true } satisfies Record<
  HttpMethod,
  true
>) as HttpMethod[];

/**
 * The methods `pathname` answers (the `Allow` header of a 405); empty when no route has this
 * path, whatever the method (then it is a 404).
 */
export function allowedMethods(pathname: string): HttpMethod[] {
  return METHODS.filter((method) => matchRoute(method, pathname) !== undefined);
}
