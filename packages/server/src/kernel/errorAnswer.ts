import type { AuthError } from "./errors.js";

/**
 * An HTTP answer any binding can send as it is: status, headers (lower-case names), body.
 *
 * @example
 * const { status, headers, body }: HttpAnswer = await auth.handleBackchannelLogout(type, raw);
 * return new Response(body, { status, headers });
 */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * An AuthError as the HTTP answer every binding sends: its headers are `WWW-Authenticate` when
 * the error has one, the JSON content type and `no-store`; the body is JSON.
 */
export type ErrorAnswer = HttpAnswer;

/** The one place an AuthError becomes `{ status, headers, body }`. */
export function errorAnswer(error: AuthError): ErrorAnswer {
  return {
    status: error.status,
    headers: {
      ...error.headers,
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
    },
    body: JSON.stringify(error.toJSON()),
  };
}
