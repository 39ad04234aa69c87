// A file of the lazy sign-in chunk: the session's parts that the sign-in code uses, handed over
// by AuthClient each time it loads the chunk. Imported, they would land in a chunk of their own
// that both the page and the sign-in code import: one more file on every page load (about 300 B
// of the size budget). Copied, there would be a second AuthClientError class, and `instanceof`
// would fail on the errors sign-in throws.
import type {
  AuthClientError as ErrorClass,
  StepUpRequiredError as StepUpClass,
} from "./AuthClientError";
import type { post as postFn, readTokens as readTokensFn } from "./authApi";
import type { isRecord as isRecordFn } from "./internal";

/**
 * What the sign-in chunk takes from the page-load code (the one copy of each). A tuple, not an
 * object: the minifier shortens its names, which property names it cannot.
 */
export type SignInParts = [
  AuthClientError: typeof ErrorClass,
  isRecord: typeof isRecordFn,
  REDIRECT_KEY: string,
  post: typeof postFn,
  readTokens: typeof readTokensFn,
  StepUpRequiredError: typeof StepUpClass,
];

export type AuthClientError = ErrorClass;
// Set by setSignInParts when the chunk loads, before any sign-in code runs.
export let AuthClientError: typeof ErrorClass;
export let isRecord: typeof isRecordFn;
export let REDIRECT_KEY: string;
export let post: typeof postFn;
export let readTokens: typeof readTokensFn;
export type StepUpRequiredError = StepUpClass;
export let StepUpRequiredError: typeof StepUpClass;

/** Called by AuthClient as it loads the sign-in chunk, before it runs any of its code. */
export function setSignInParts(parts: SignInParts): void {
  [AuthClientError, isRecord, REDIRECT_KEY, post, readTokens, StepUpRequiredError] = parts;
}
