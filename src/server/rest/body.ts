import { AppError } from "@/server/errors";

/** The most any request body may hold, on every path that reads one (REST, tRPC, next-auth). */
export const MAX_BODY_BYTES = 64 * 1024;

export function tooLarge(): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
}

/** A declared `Content-Length` over the cap: refused before a byte is read. */
function declaredTooLarge(contentLength: string | null | undefined): boolean {
  return Number(contentLength ?? "NaN") > MAX_BODY_BYTES;
}

/**
 * Reads a request body of at most 64 KiB, counting as it streams, so a missing or lying
 * `Content-Length` (a chunked body) cannot make it buffer more: 413 past the cap. `undefined`
 * when there is no body. `chunks` is a Node request or a web body (`webBody`); `stop` is called
 * when the body is refused part-way (discard the rest, so the 413 can still be written).
 */
async function readBodyBytes(
  contentLength: string | null | undefined,
  chunks: AsyncIterable<Uint8Array> | null,
  stop: () => unknown = () => {},
): Promise<Buffer | undefined> {
  if (declaredTooLarge(contentLength)) throw tooLarge();
  if (!chunks) return undefined;

  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of chunks) {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) {
        await stop();
        throw tooLarge();
      }
      parts.push(chunk);
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    // The client hung up, or the server's request timeout cut it off: its fault, not a 500.
    throw new AppError("BAD_REQUEST", "Request body was cut off before its end");
  }
  return Buffer.concat(parts);
}

/**
 * Reads a JSON body under the cap (413), refusing malformed JSON (400). An empty body is
 * `undefined`, so "body optional" endpoints accept a bare POST.
 */
export async function readJsonBody(
  contentLength: string | null | undefined,
  chunks: AsyncIterable<Uint8Array> | null,
  stop: () => unknown = () => {},
): Promise<unknown> {
  const bytes = await readBodyBytes(contentLength, chunks, stop);
  const text = bytes?.toString("utf8") ?? "";
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "Malformed JSON body");
  }
}

/** Reads what is left of a refused body and drops it (errors too: the client may hang up). */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    while (!(await reader.read()).done) {
      // discarded
    }
  } catch {
    // the client went away: nothing left to discard
  }
}

/**
 * A web request body as chunks, and its `stop`: the rest is drained in the background, never
 * cancelled. Under Next a request body is the Node request itself, and cancelling it destroys
 * the socket before the 413 is written; draining keeps the connection answerable, and the HTTP
 * server's request timeout (scripts/serve.ts) bounds how long a client can keep sending.
 */
export function webBody(body: ReadableStream<Uint8Array> | null): {
  chunks: AsyncIterable<Uint8Array> | null;
  stop: () => void;
} {
  if (!body) return { chunks: null, stop: () => {} };
  const reader = body.getReader();
  return {
    chunks: {
      async *[Symbol.asyncIterator]() {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          yield value;
        }
      },
    },
    stop: () => void drain(reader),
  };
}

/**
 * The body of a web request with the cap applied as it is read, for a library that reads the
 * body itself (tRPC): past 64 KiB, or at once when `Content-Length` says so, the stream errors
 * with `refuse()` (what the library turns into its 413) and the rest is drained, not buffered.
 * Nothing is read until the library reads, so its own checks (401, 403) still come first.
 */
export function cappedWebBody(request: Request, refuse: () => Error): ReadableStream<Uint8Array> | null {
  const source = request.body;
  if (!source) return null;
  const reader = source.getReader();
  let size = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (declaredTooLarge(request.headers.get("content-length"))) {
        controller.error(refuse());
        return;
      }
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        size += value.byteLength;
        if (size > MAX_BODY_BYTES) {
          void drain(reader);
          controller.error(refuse());
          return;
        }
        controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    cancel() {
      void drain(reader);
    },
  });
}

/**
 * A copy of a web request whose body has been read under the cap (413 AppError otherwise), for
 * handlers that read the body themselves (next-auth): no library sees more than 64 KiB.
 */
export async function withCappedBody(request: Request): Promise<Request> {
  if (!request.body) return request;
  const { chunks, stop } = webBody(request.body);
  const bytes = await readBodyBytes(request.headers.get("content-length"), chunks, stop);
  // A byte array (not null: a null body would fall back to the consumed original).
  return new Request(request, { body: bytes ?? new Uint8Array(0), duplex: "half" } as RequestInit);
}
