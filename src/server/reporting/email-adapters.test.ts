import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { describe, expect, it } from "vitest";
import { db } from "@/server/db/client";
import { emailSender, emailSettings } from "@/server/email";
import { envFrom } from "@/server/env";
import { callerFor } from "@/test/calls";
import { createActions, createOrganization } from "@/test/factories";
import { daysAgo } from "@/test/reporting-fixtures";

/** The email settings these variables configure, parsed as at start-up (process.env untouched). */
const emailEnv = (variables: Parameters<typeof envFrom>[0]) => emailSettings(envFrom(variables));

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on a local port; refuses RCPT TO for addresses in `reject`. */
async function startSmtpServer(reject: string[] = []) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (reject.includes(address.address)) {
        callback(Object.assign(new Error("Mailbox unavailable"), { responseCode: 550 }));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The Subject header, unfolded and with its RFC 2047 quoted-printable words decoded. */
function subjectOf(raw: string): string {
  const header = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1] ?? "";
  return header.replace(/\?=\s+=\?/g, "?==?").replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, word: string) =>
    Buffer.from(
      word
        .replace(/_/g, " ")
        .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
      "latin1",
    ).toString("utf8"),
  );
}

/** The base64 body of the MIME part whose headers name `filename`. */
function attachmentText(raw: string, filename: string): string {
  const parts = raw.split(/\r?\n--/);
  const part = parts.find((p) => p.includes(`filename=${filename}`) || p.includes(`filename="${filename}"`));
  if (!part) throw new Error(`no attachment ${filename} in message`);
  const [, body = ""] = part.split(/\r?\n\r?\n/);
  return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
}

describe("email adapters", () => {
  it("picks Resend, then SMTP, then the outbox", () => {
    expect(emailSender(db(), emailEnv({ RESEND_API_KEY: "re_x", SMTP_HOST: "127.0.0.1" })).kind).toBe("resend");
    expect(emailSender(db(), emailEnv({ SMTP_HOST: "127.0.0.1" })).kind).toBe("smtp");
    expect(emailSender(db(), emailEnv({})).kind).toBe("outbox");
  });

  it("SMTP: each recipient gets the report with the audit CSV attached; a refused one fails the run", async () => {
    const smtp = await startSmtpServer(["gone@example.com"]);
    try {
      const email = emailEnv({ SMTP_HOST: "127.0.0.1", SMTP_PORT: String(smtp.port), SMTP_SECURE: "false" });
      const org = await createOrganization();
      await createActions(org, [{ status: "COMPLETED", createdAt: daysAgo(1) }]);
      const caller = callerFor(org, { emailSettings: email });
      await caller.reporting.updateSettings({ reportRecipients: ["ops@example.com", "gone@example.com"] });

      const run = await caller.reporting.sendNow();
      expect(run).toMatchObject({ status: "failed", deliveredCount: 1, failedDeliveryCount: 1, totalActions: 1 });
      expect(run.deliveryFailures).toEqual([{ recipient: "gone@example.com", error: expect.stringContaining("550") }]);

      expect(smtp.received).toHaveLength(1);
      const [message] = smtp.received;
      expect(message?.to).toEqual(["ops@example.com"]);
      expect(message?.from).toBe("reports@localhost");
      expect(message?.raw).toMatch(/^To: ops@example\.com\r?$/m);
      expect(subjectOf(message?.raw ?? "")).toMatch(
        /^Remediation report — Test org-[0-9a-f]{8} — \d{4}-\d{2}-\d{2} to \d{4}-\d{2}-\d{2}$/,
      );
      const csv = attachmentText(message?.raw ?? "", "remediation-audit-export.csv");
      expect(csv.split("\r\n")[0]).toBe(
        "id,incidentId,actionType,status,performedBy,serviceName,environment,createdAt,updatedAt,details,error",
      );
      expect(csv).toContain(",COMPLETED,");
    } finally {
      await smtp.close();
    }
  });

  it("outbox (the embedded default): records one email per recipient, listed by reporting.outbox", async () => {
    const org = await createOrganization();
    const caller = callerFor(org, { emailSettings: emailEnv({}) });
    await caller.reporting.updateSettings({ reportRecipients: ["one@example.com", "two@example.com"] });
    const run = await caller.reporting.sendNow();
    expect(run).toMatchObject({ status: "success", deliveredCount: 2 });

    const outbox = await callerFor(org, { permissions: ["remediation:view"] }).reporting.outbox();
    expect(outbox.map((e) => e.to).sort()).toEqual(["one@example.com", "two@example.com"]);
    for (const email of outbox) {
      expect(email).toMatchObject({ reportRunId: run.id, from: "Remediation Reports <reports@localhost>" });
      expect(email.subject).toMatch(/^Remediation report — Test org-/);
      expect(email.html).toContain("Remediation report");
      expect(email.text).toContain("Pending approvals now");
      expect(email.attachments).toEqual([
        { filename: "remediation-audit-export.csv", contentType: "text/csv; charset=utf-8", bytes: expect.any(Number) },
        { filename: "audit-checkpoint.json", contentType: "application/json", bytes: expect.any(Number) },
      ]);
      expect(email.text).toContain("Audit checkpoint");
    }
    // Other organizations see none of it.
    expect(await callerFor(await createOrganization()).reporting.outbox()).toEqual([]);
  });
});
