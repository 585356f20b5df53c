// What Next does with a request the custom server hands it, for the paths tests need: the tRPC
// route handler gets a web Request whose body is the Node request itself (as Next builds it,
// read lazily), and its Response is written back. Every other path answers 404.
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import * as trpcRoute from "@/app/api/trpc/[trpc]/route";

export async function nextStandIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (!url.pathname.startsWith("/api/trpc/") || (req.method !== "GET" && req.method !== "POST")) {
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found");
    return;
  }
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const request = new Request(url, {
    method: req.method,
    headers,
    ...(req.method === "POST" ? { body: req as unknown as BodyInit, duplex: "half" } : {}),
  } as RequestInit);
  const response = await (req.method === "POST" ? trpcRoute.POST : trpcRoute.GET)(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body) {
    res.end();
    return;
  }
  Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).pipe(res);
}
