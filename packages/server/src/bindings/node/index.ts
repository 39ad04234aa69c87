import type { IncomingMessage, ServerResponse } from "node:http";
import { resolveAuth } from "../../config/defaultAuth.js";
import {
  type Auth,
  type AuthResult,
  kInternal,
  optionalUser,
  type RequestAuthState,
  requireUser,
} from "../../kernel/Auth.js";
import { AuthError } from "../../kernel/errors.js";
import type { BindingSpec, InternalOptions } from "../../kernel/guards.js";
import { reportServerError } from "../../kernel/reportServerError.js";
import { NodeHeadersContext, WebRequestContext } from "../../kernel/requestContext.js";
import type { RouteParams } from "../../kernel/runGuard.js";
import type { User } from "../../kernel/user.js";
import { type BoundGuard, guardFor } from "../guardFor.js";
import { sendAuthError } from "../sendAuthError.js";

/**
 * A node:http request or a Web `Request` (Next.js route handlers, Bun, Deno…).
 *
 * @example
 * export async function GET(request: AnyRequest) {
 *   const user = await getCurrentUser(request);
 *   return Response.json({ id: user.id });
 * }
 */
export type AnyRequest = IncomingMessage | Request;

/**
 * Options of every helper here: an explicit instance, else the process-wide default.
 *
 * @example
 * const options: NodeAuthOptions = { auth };
 * const user = await getCurrentUser(request, options);
 */
export interface NodeAuthOptions {
  auth?: Auth;
}

function stateOf(auth: Auth, req: AnyRequest): RequestAuthState | Promise<RequestAuthState> {
  const headers = req.headers;
  const ctx =
    typeof (headers as Headers).get === "function"
      ? new WebRequestContext(headers as Headers, req.url)
      : new NodeHeadersContext(headers as IncomingMessage["headers"]);
  const state = auth[kInternal](req, ctx);
  if (state instanceof Promise) return state.then((resolved) => logged(auth, resolved));
  return logged(auth, state);
}

/** Operators see why a request got a 5xx (the body is generic): logged once per error. */
function logged(auth: Auth, state: RequestAuthState): RequestAuthState {
  if (state.error !== null) reportServerError(auth.logger, state.error);
  return state;
}

/**
 * Validates the request (once per request object) and never throws: `{ user, error }`.
 *
 * @example
 * const { user, error } = await authenticate(req);
 */
export async function authenticate(
  req: AnyRequest,
  options?: NodeAuthOptions,
): Promise<AuthResult> {
  const state = await stateOf(resolveAuth(options), req);
  return { user: state.user, error: state.error };
}

/**
 * The authenticated user; throws an AuthError (401 / 502) to turn into a response.
 *
 * @example
 * export async function GET(request: Request) {
 *   try { return Response.json(await getCurrentUser(request)); }
 *   catch (error) { return toResponse(error); }
 * }
 */
export function getCurrentUser(req: AnyRequest, options?: NodeAuthOptions): Promise<User> {
  const state = stateOf(resolveAuth(options), req);
  // One promise hop instead of an async function's two on a cache hit.
  if (state instanceof Promise) return state.then(requireUser);
  try {
    return Promise.resolve(requireUser(state));
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * The user, or null when the token is missing/invalid; still throws 502 when the proxy is down.
 *
 * @example
 * const user = await getCurrentUserOptional(req);
 */
export async function getCurrentUserOptional(
  req: AnyRequest,
  options?: NodeAuthOptions,
): Promise<User | null> {
  return optionalUser(await stateOf(resolveAuth(options), req));
}

/**
 * A checker for one permission (name validated now): resolves the user or throws 401/403/502.
 *
 * @example
 * const canAudit = requirePermission("audit");
 * const user = await canAudit(req);
 */
export function requirePermission(
  name: string,
  options?: NodeAuthOptions,
): (req: AnyRequest) => Promise<User> {
  return checker(guardFor.requirePermission(name, options));
}

function asAuthError(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  throw error;
}

/**
 * Turns an AuthError into a Web `Response` (`{ error, message }`, status, `WWW-Authenticate`);
 * rethrows anything else.
 *
 * @example
 * catch (error) { return toResponse(error); }
 */
export function toResponse(error: unknown): Response {
  const authError = asAuthError(error);
  return Response.json(authError.toJSON(), {
    status: authError.status,
    headers: { ...authError.headers, "cache-control": "no-store" },
  });
}

/**
 * Writes an AuthError to a node:http `ServerResponse`; rethrows anything else.
 *
 * @example
 * getCurrentUser(req).then((user) => res.end(JSON.stringify(user)), (e) => sendError(res, e));
 */
export function sendError(res: ServerResponse, error: unknown): void {
  sendAuthError(res, asAuthError(error));
}

function checker({
  auth,
  guard,
}: BoundGuard): (req: AnyRequest, params?: RouteParams) => Promise<User> {
  return async (req, params) => {
    try {
      return (await guard(await stateOf(auth, req), params)) as User;
    } catch (error) {
      reportServerError(auth.logger, error);
      throw error;
    }
  };
}

/**
 * A checker requiring a role: resolves the user or throws 401 / 403 / 502.
 *
 * @example
 * const adminOnly = requireRole("admin");
 * const user = await adminOnly(request);
 */
export function requireRole(
  role: string,
  options?: NodeAuthOptions,
): (req: AnyRequest) => Promise<User> {
  return checker(guardFor.requireRole(role, options));
}

/**
 * A checker requiring at least one of the roles: resolves the user or throws 401 / 403 / 502.
 *
 * @example
 * const user = await requireAnyRole(["admin", "auditor"])(request);
 */
export function requireAnyRole(
  roles: readonly string[],
  options?: NodeAuthOptions,
): (req: AnyRequest) => Promise<User> {
  return checker(guardFor.requireAnyRole(roles, options));
}

/**
 * A checker requiring every listed OAuth scope: resolves the user or throws 401 / 403 / 502.
 *
 * @example
 * const user = await requireScope("orders:write")(request);
 */
export function requireScope(
  scopes: string | readonly string[],
  options?: NodeAuthOptions,
): (req: AnyRequest) => Promise<User> {
  return checker(guardFor.requireScope(scopes, options));
}

/**
 * A checker for internal endpoints: app-only tokens from allow-listed clients only.
 *
 * @example
 * const caller = await requireInternal({ allowedClients: ["indexer"] })(request);
 */
export function requireInternal(
  options: InternalOptions & NodeAuthOptions,
): (req: AnyRequest) => Promise<User> {
  return checker(guardFor.requireInternal(options));
}

/**
 * A checker for the request's app / workspace / user id (the path parameters you pass; a header
 * only when opted in) against the token: throws 400 when missing, 403 when bound elsewhere,
 * ConfigurationError (500) when the parameters are not passed.
 *
 * @example
 * const user = await requireBinding({ appId: true })(request, { appId: params.appId });
 */
export function requireBinding(
  spec: BindingSpec,
  options?: NodeAuthOptions,
): (req: AnyRequest, params?: Readonly<Record<string, string | undefined>>) => Promise<User> {
  return checker(guardFor.requireBinding(spec, options));
}
