import { createHmac } from "node:crypto";
import { ExecutionAbortedError, type ExecutionOutcome, type ExecutorFactory } from "./types";

/** Response bodies are read incrementally and kept up to this size (docs/behaviour.md#execution). */
export const OUTPUT_CAP_BYTES = 64 * 1024;
const ERROR_BODY_CHARS = 500;

/**
 * POSTs the action to REMEDIATION_WEBHOOK_URL. `Idempotency-Key: <actionId>` is the same on
 * every attempt, so the receiver can recognise a re-run after a lost worker; the signature
 * (when a secret is set) covers the exact bytes sent.
 */
export const createWebhookExecutor: ExecutorFactory = (settings) => {
  const url = settings.webhookUrl;
  if (!url) throw new Error("REMEDIATION_EXECUTOR=webhook needs REMEDIATION_WEBHOOK_URL");
  const secret = settings.webhookSecret;
  const timeoutMs = settings.timeoutMs;
  return {
    name: "webhook",
    async execute(request, { signal }) {
      const body = JSON.stringify({
        actionId: request.actionId,
        organizationId: request.organizationId,
        incidentId: request.incidentId,
        actionType: request.actionType,
        parameters: request.parameters,
        serviceName: request.serviceName,
        environment: request.environment,
        severity: request.severity,
        attempt: request.attempt,
      });
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "X-Remediation-Id": request.actionId,
        "Idempotency-Key": request.actionId,
      };
      if (secret)
        headers["X-Remediation-Signature"] = `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
      // One deadline for the whole attempt: connecting, waiting and reading the body.
      const timeout = AbortSignal.timeout(timeoutMs);
      const attemptSignal = AbortSignal.any([signal, timeout]);
      try {
        // A redirect would replay a signed body to a place nobody configured: refuse to follow.
        const response = await fetch(url, { method: "POST", headers, body, signal: attemptSignal, redirect: "manual" });
        const { text, truncated } = await readCapped(response.body, OUTPUT_CAP_BYTES);
        if (response.status >= 200 && response.status < 300) {
          return { ok: true, output: parseOutput(text, truncated), ...(truncated ? { outputTruncated: true } : {}) };
        }
        const error = `Executor responded ${response.status}: ${text.slice(0, ERROR_BODY_CHARS)}`;
        return { ok: false, error, transient: response.status >= 500 } satisfies ExecutionOutcome;
      } catch (err) {
        if (signal.aborted) throw new ExecutionAbortedError();
        if (timeout.aborted) return { ok: false, error: `Executor timed out after ${timeoutMs} ms`, transient: true };
        return { ok: false, error: `Executor unreachable: ${failureReason(err)}`, transient: true };
      }
    },
  };
};

/** Reads at most `cap` bytes, then cancels the stream (the rest is never downloaded). */
async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  cap: number,
): Promise<{ text: string; truncated: boolean }> {
  if (!body) return { text: "", truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (size + value.byteLength > cap) {
        chunks.push(value.subarray(0, cap - size));
        size = cap;
        truncated = true;
        break;
      }
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    if (truncated) await reader.cancel().catch(() => undefined);
    else reader.releaseLock();
  }
  // `stream: true` holds back a multi-byte character cut in half by the cap instead of mangling it.
  const text = new TextDecoder().decode(Buffer.concat(chunks), { stream: truncated });
  return { text, truncated };
}

function parseOutput(text: string, truncated: boolean): unknown {
  if (text === "") return null;
  if (truncated) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function failureReason(err: unknown): string {
  const error = err as { message?: string; cause?: { message?: string; code?: string } };
  return error.cause?.message || error.cause?.code || error.message || String(err);
}
