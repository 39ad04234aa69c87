import type { ServerResponse } from "node:http";
import type { AuthError } from "../kernel/errors.js";

/** Writes an AuthError as a JSON `{ error, message }` response with its status and headers. */
export function sendAuthError(res: ServerResponse, error: AuthError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(error.toJSON());
  res.statusCode = error.status;
  for (const name in error.headers) res.setHeader(name, error.headers[name] as string);
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.setHeader("cache-control", "no-store");
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}
