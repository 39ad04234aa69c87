import type { ServerResponse } from "node:http";
import { errorAnswer } from "../kernel/errorAnswer.js";
import type { AuthError } from "../kernel/errors.js";

/** Writes an AuthError's answer to a node:http response (Express, node:http). */
export function sendAuthError(res: ServerResponse, error: AuthError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, headers, body } = errorAnswer(error);
  res.statusCode = status;
  for (const name in headers) res.setHeader(name, headers[name] as string);
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}
