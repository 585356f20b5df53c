import { REST_ROUTES } from "./routes";
import type { RestRoute } from "./types";

interface Compiled {
  route: RestRoute;
  pattern: RegExp;
  names: string[];
}

function compile(route: RestRoute): Compiled {
  const names: string[] = [];
  const source = route.path
    .split("/")
    .map((segment) => {
      if (!segment.startsWith(":")) return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(segment.slice(1));
      return "([^/]+)";
    })
    .join("/");
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

// Literal paths first so `/remediation/stats` never matches `/remediation/:id`.
const COMPILED = REST_ROUTES.map(compile).sort((a, b) => a.names.length - b.names.length);

export function matchRoute(
  method: string,
  pathname: string,
): { route: RestRoute; params: Record<string, string> } | undefined {
  for (const c of COMPILED) {
    if (c.route.method !== method) continue;
    const m = c.pattern.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    c.names.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] ?? "");
    });
    return { route: c.route, params };
  }
  return undefined;
}
