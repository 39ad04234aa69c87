import type { ServerResponse } from "node:http";
import { errorAnswer, type HttpAnswer } from "../kernel/errorAnswer.js";
import type { AuthError } from "../kernel/errors.js";

/** Writes an AuthError's answer to a node:http response (Express, node:http). */
export function sendAuthError(res: ServerResponse, error: AuthError): void {
  sendAnswer(res, errorAnswer(error));
}

/** Writes an answer to a node:http response; a response already under way is cut off instead. */
export function sendAnswer(res: ServerResponse, answer: HttpAnswer): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const { status, headers, body } = answer;
  res.statusCode = status;
  for (const name in headers) res.setHeader(name, headers[name] as string);
  res.setHeader("content-length", Buffer.byteLength(body));
  res.end(body);
}
