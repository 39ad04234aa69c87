import { STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { AuthError } from "../../kernel/errors.js";

/**
 * Answers a refused WebSocket upgrade on the raw socket (status, `WWW-Authenticate`, JSON body
 * `{ error, message }`) and closes it. Non-AuthErrors become a generic 500.
 *
 * @example
 * authenticateUpgrade(req).catch((error) => rejectUpgrade(socket, error));
 */
export function rejectUpgrade(socket: Duplex, error: unknown): void {
  const status = error instanceof AuthError ? error.status : 500;
  const body = JSON.stringify(
    error instanceof AuthError
      ? error.toJSON()
      : { error: "internal_error", message: "The upgrade could not be authenticated." },
  );
  const headers = error instanceof AuthError ? error.headers : {};
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once("finish", () => socket.destroy());
  socket.end(`${head}\r\n${body}`);
}
