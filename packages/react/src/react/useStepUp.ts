import type { StepUpRequiredError } from "../core/AuthClientError";
import type { LoginOptions } from "../core/loginOptions";
import { useAuthClient } from "./useAuthClient";

/**
 * Signs the user in again at the level a {@link StepUpRequiredError} asks for (RFC 9470: its
 * `acr_values` and `max_age`), so the app can show its own prompt first: catch the error from
 * `authFetch`, ask the user, call this with the error from the click handler, then retry. It is
 * `login`, which takes the error as its options (`acrValues`, `maxAge`; `auto` mode): spread it
 * to choose a mode, `stepUp({ ...level, mode: "redirect" })`.
 *
 * @example
 * const stepUp = useStepUp();
 * const onConfirm = () => stepUp(error).then(() => authFetch(url, { method: "DELETE" }));
 */
export function useStepUp(): (
  required: Pick<StepUpRequiredError, "acrValues" | "maxAge"> & LoginOptions,
) => Promise<void> {
  return useAuthClient().login;
}
