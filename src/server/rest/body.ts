import { AppError } from "@/server/errors";

export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON body, refusing more than 64 KiB without buffering it (413), and malformed JSON
 * (400). An empty body is `undefined`, so "body optional" endpoints accept a bare POST.
 * `chunks` is a web request's body or a Node request (both are async iterables of bytes);
 * `stop` is called when the body is refused part-way (cancel the stream / discard the rest).
 */
export async function readJsonBody(
  contentLength: string | null | undefined,
  chunks: AsyncIterable<Uint8Array> | null,
  stop: () => unknown = () => {},
): Promise<unknown> {
  if (Number(contentLength ?? "NaN") > MAX_BODY_BYTES) throw tooLarge();
  if (!chunks) return undefined;

  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) {
      await stop();
      throw tooLarge();
    }
    parts.push(chunk);
  }
  const text = Buffer.concat(parts).toString("utf8");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "Malformed JSON body");
  }
}

function tooLarge(): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `Request body exceeds ${MAX_BODY_BYTES} bytes`);
}
