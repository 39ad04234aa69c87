// A file of the lazy sign-in chunk: reading an RFC 9470 step-up challenge and answering it.

import type { AuthClientOptions } from "./AuthClientOptions";
import type { LoginOptions } from "./loginOptions";
import { isRecord, StepUpRequiredError } from "./signInParts";

/** What answering a challenge needs of the session (an `AuthClient`; no import: a cycle). */
interface StepUpSession {
  login(options: LoginOptions): Promise<void>;
  getAccessToken(): Promise<string | null>;
}

const CHALLENGE = "insufficient_user_authentication";
const PARAM = /(\w+)=(?:"([^"]*)"|([^\s,]*))/g;

/**
 * The requirement of a 401 step-up challenge: `WWW-Authenticate: Bearer
 * error="insufficient_user_authentication", acr_values="…", max_age=…`, else the same fields in
 * the JSON body (a cross-origin page reads the header only when the API exposes it); null when
 * `res` is no such challenge.
 */
export async function readStepUp(res: Response): Promise<StepUpRequiredError | null> {
  let fields: Record<string, unknown> = {};
  for (const [, name, quoted, bare] of (res.headers.get("www-authenticate") ?? "").matchAll(PARAM))
    fields[name as string] = quoted ?? bare;
  if (fields.error !== CHALLENGE) {
    const body: unknown = await res
      .clone()
      .json()
      .catch(() => 0);
    if (isRecord(body)) fields = body;
  }
  const maxAge = String(fields.max_age);
  return res.status === 401 && fields.error === CHALLENGE
    ? Object.assign(
        new StepUpRequiredError("step_up_required", "Sign in again at the level the API asks for."),
        {
          acrValues: String(fields.acr_values ?? "")
            .split(" ")
            .filter(Boolean),
          maxAge: /^\d{1,9}$/.test(maxAge) ? +maxAge : null,
        },
      )
    : null;
}

/**
 * Answers a 401: null when it is no step-up challenge. Without the `stepUp` mode (not opted in)
 * rejects with the {@link StepUpRequiredError}; else signs in again at the level asked for and
 * `resend`s the request once, and a second challenge rejects: never a loop. With `redirect` the
 * page navigates away and the request never settles; after the return the app repeats it.
 */
export async function answerStepUp(
  res: Response,
  resend: (token: string | null) => Response | Promise<Response>,
  { stepUp: mode }: AuthClientOptions,
  session: StepUpSession,
): Promise<Response | null> {
  let required = await readStepUp(res);
  if (!required) return null;
  if (mode) {
    await session.login({ mode, acrValues: required.acrValues, maxAge: required.maxAge });
    if (mode === "redirect") return new Promise<never>(() => {});
    const again = await resend(await session.getAccessToken());
    required = await readStepUp(again);
    if (!required) return again;
  }
  throw required;
}
