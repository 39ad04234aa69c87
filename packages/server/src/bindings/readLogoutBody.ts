import type { IncomingMessage } from "node:http";
import { type AuthError, InvalidRequestError } from "../kernel/errors.js";
import { decodeChunks, readBoundedText } from "../kernel/readBoundedText.js";
import { logoutBodyTooLarge, MAX_LOGOUT_BODY_BYTES } from "../logout/handleBackchannelLogout.js";

/**
 * The raw form body of a back-channel logout POST, read at most to {@link MAX_LOGOUT_BODY_BYTES}.
 * `parsed` is what a body parser already made of it (Express body-parser, a Fastify content-type
 * parser): used when the request's stream has been consumed. Rejects with 413 beyond the bound
 * (checked on Content-Length first) and 400 when the body cannot be read; never with anything else.
 *
 * @example
 * const body = await readLogoutBody(req, req.body);
 */
export async function readLogoutBody(
  request: IncomingMessage | Request,
  parsed?: unknown,
): Promise<string> {
  if (isWebRequest(request)) {
    checkDeclaredLength(request.headers.get("content-length"));
    return readWebBody(request);
  }
  if (request.readableEnded) return fromParsed(parsed);
  checkDeclaredLength(request.headers["content-length"]);
  return readNodeBody(request);
}

function isWebRequest(request: IncomingMessage | Request): request is Request {
  return typeof (request as Request).arrayBuffer === "function";
}

function checkDeclaredLength(value: string | null | undefined): void {
  if (value != null && Number(value) > MAX_LOGOUT_BODY_BYTES) throw logoutBodyTooLarge();
}

function unreadable(): AuthError {
  return new InvalidRequestError("The request body could not be read.");
}

/** A body a parser already made: a string or bytes as sent, a form object re-encoded. */
function fromParsed(parsed: unknown): string {
  if (typeof parsed === "string") return parsed;
  if (parsed instanceof Uint8Array) return new TextDecoder().decode(parsed);
  if (typeof parsed !== "object" || parsed === null) return "";
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries(parsed)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === "string") form.append(name, item);
    }
  }
  return form.toString();
}

function readNodeBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const stop = () => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onError);
    };
    const onData = (chunk: Uint8Array) => {
      size += chunk.length;
      if (size <= MAX_LOGOUT_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      stop();
      // The rest is discarded as it arrives; the answer goes out now.
      request.resume();
      reject(logoutBodyTooLarge());
    };
    const onEnd = () => {
      stop();
      resolve(decodeChunks(chunks));
    };
    const onError = () => {
      stop();
      reject(unreadable());
    };
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onError);
  });
}

function readWebBody(request: Request): Promise<string> {
  if (request.bodyUsed) return Promise.reject(unreadable());
  return readBoundedText(request.body, MAX_LOGOUT_BODY_BYTES, {
    tooLarge: logoutBodyTooLarge,
    failed: unreadable,
  });
}
