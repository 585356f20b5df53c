// A real HTTP server standing in for the system that carries out remediations (webhook tests).
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedCall {
  headers: IncomingMessage["headers"];
  rawBody: Buffer;
  body: Record<string, unknown>;
}

/** Answers one call; return nothing to leave the request hanging (timeout tests). */
export type Responder = (call: ReceivedCall, res: ServerResponse, nthCallForAction: number) => void;

export interface Receiver {
  url: string;
  calls: ReceivedCall[];
  callsFor(actionId: string): ReceivedCall[];
  close(): Promise<void>;
}

export async function startReceiver(respond: Responder): Promise<Receiver> {
  const calls: ReceivedCall[] = [];
  const callsFor = (actionId: string) => calls.filter((c) => c.body.actionId === actionId);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const rawBody = Buffer.concat(chunks);
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(rawBody.toString("utf8"));
      } catch {
        // recorded as-is; the test asserts on it
      }
      const call = { headers: req.headers, rawBody, body };
      calls.push(call);
      respond(call, res, callsFor(String(body.actionId)).length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/remediate`,
    calls,
    callsFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
