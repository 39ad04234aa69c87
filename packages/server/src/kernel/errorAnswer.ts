import type { AuthError } from "./errors.js";

/** An AuthError as the HTTP answer every binding sends: status, headers, JSON body. */
export interface ErrorAnswer {
  status: number;
  /** `WWW-Authenticate` when the error has one, the JSON content type and `no-store`. */
  headers: Record<string, string>;
  body: string;
}

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
