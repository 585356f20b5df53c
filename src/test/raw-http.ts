// One HTTP/1.1 exchange over a raw TCP socket: the request is written byte for byte (methods,
// header lines and framings a fetch client refuses to send), the answer is read until the
// server closes the connection.
import { connect } from "node:net";

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The socket closed without a status line (no answer at all). */
  closedWithoutAnswer: boolean;
}

function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf("\r\n", at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(raw.subarray(at, lineEnd).toString("latin1"), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(raw.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export function parseAnswer(whole: Buffer): RawAnswer {
  let raw = whole;
  // Interim answers (`100 Continue`) come before the real one.
  while (/^HTTP\/1\.1 1\d\d /.test(raw.subarray(0, 13).toString("latin1"))) {
    const end = raw.indexOf("\r\n\r\n");
    if (end < 0) break;
    raw = raw.subarray(end + 4);
  }
  const headEnd = raw.indexOf("\r\n\r\n");
  if (headEnd < 0) return { status: 0, headers: {}, body: "", closedWithoutAnswer: true };
  const [statusLine = "", ...lines] = raw.subarray(0, headEnd).toString("latin1").split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = raw.subarray(headEnd + 4);
  const body = headers["transfer-encoding"]?.includes("chunked") ? dechunk(rest) : rest;
  return { status, headers, body: body.toString("utf8"), closedWithoutAnswer: false };
}

/**
 * Writes `head` (latin1: the request line and header lines, ending with the blank line) and
 * `body`, then reads until the server closes (send `Connection: close`), or `timeoutMs`.
 */
export function rawExchange(
  port: number,
  head: string,
  body: Uint8Array = new Uint8Array(0),
  timeoutMs = 15_000,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${head.split("\r\n", 1)[0]}`));
    }, timeoutMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // The server may close while the body is still being written (an early 413): not a failure.
    socket.on("error", () => {});
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(parseAnswer(Buffer.concat(chunks)));
    });
    socket.write(Buffer.from(head, "latin1"));
    if (body.byteLength > 0) socket.write(body);
  });
}
