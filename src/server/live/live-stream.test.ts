import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditSealJob } from "@/server/audit/jobs";
import { type RunningWorker, startWorker } from "@/server/jobs/worker";
import { createHttpServer } from "@/server/rest/http-server";
import { bearer, createIncident, createOrganization, requestBody } from "@/test/factories";
import { callerFor } from "@/test/calls";

let base: string;
let close: () => Promise<void>;
let worker: RunningWorker;

beforeAll(async () => {
  worker = await startWorker([auditSealJob]);
  const server = createHttpServer(async (_req, res) => void res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
});

afterAll(async () => {
  await close();
  await worker.stop();
});

/** Reads SSE frames until `count` events (not comments) arrived. */
async function readEvents(response: Response, count: number): Promise<{ id: string; event: string; data: string }[]> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const events: { id: string; event: string; data: string }[] = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    let end = text.indexOf("\n\n");
    while (end >= 0) {
      const block = text.slice(0, end);
      text = text.slice(end + 2);
      const fields = Object.fromEntries(
        block
          .split("\n")
          .filter((l) => l && !l.startsWith(":"))
          .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]),
      );
      if (fields.event) events.push(fields as never);
      end = text.indexOf("\n\n");
    }
  }
  await reader.cancel();
  return events;
}

describe("GET /remediation/events/stream", () => {
  it("streams a new event of the organization, with its action", async () => {
    const org = await createOrganization("live");
    const incidentId = await createIncident(org);
    const response = await fetch(`${base}/remediation/events/stream`, {
      headers: { authorization: await bearer(org, {}) },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    const { action } = await callerFor(org).remediation.request(requestBody(incidentId, { environment: "production" }));
    const [event] = await readEvents(response, 1);
    expect(event).toMatchObject({ id: "1", event: "REQUESTED" });
    expect(JSON.parse(event!.data)).toMatchObject({ seq: 1, actionId: action.id, type: "REQUESTED", action: { id: action.id } });
  });

  it("401 without a token, 400 for a bad Last-Event-ID", async () => {
    expect((await fetch(`${base}/remediation/events/stream`)).status).toBe(401);
    const org = await createOrganization("live");
    const bad = await fetch(`${base}/remediation/events/stream`, {
      headers: { authorization: await bearer(org, {}), "last-event-id": "abc" },
    });
    expect(bad.status).toBe(400);
  });
});
