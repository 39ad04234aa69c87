import type { Duplex } from "node:stream";
import { errorAnswer } from "../../kernel/errorAnswer.js";
import { AuthError } from "../../kernel/errors.js";

/** Anything but an AuthError is a bug: a generic 500 that says nothing more. */
const INTERNAL = {
  status: 500,
  headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  body: JSON.stringify({
    error: "internal_error",
    message: "The upgrade could not be authenticated.",
  }),
};

/** Reason phrases of the statuses an AuthError carries (no node:http: the main entry loads this). */
const REASONS: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/**
 * Answers a refused WebSocket upgrade on the raw socket (status, `WWW-Authenticate`, JSON body
 * `{ error, message }`) and closes it. Non-AuthErrors become a generic 500.
 *
 * @example
 * authenticateUpgrade(req).catch((error) => rejectUpgrade(socket, error));
 */
export function rejectUpgrade(socket: Duplex, error: unknown): void {
  const { status, headers, body } = error instanceof AuthError ? errorAnswer(error) : INTERNAL;
  let head = `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\nConnection: close\r\nContent-Length: ${new TextEncoder().encode(body).byteLength}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once("finish", () => socket.destroy());
  socket.end(`${head}\r\n${body}`);
}
