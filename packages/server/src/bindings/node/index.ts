import type { IncomingMessage, ServerResponse } from "node:http";
import { resolveAuth } from "../../config/defaultAuth.js";
import type { Auth, AuthResult } from "../../kernel/Auth.js";
import { errorAnswer } from "../../kernel/errorAnswer.js";
import { AuthError } from "../../kernel/errors.js";
import { checkMaxTokenAge } from "../../kernel/guards/tokenAgeGuard.js";
import { NodeHeadersContext, WebRequestContext } from "../../kernel/requestContext.js";
import { callBinding, resolveUser, runGuard } from "../../kernel/runGuard.js";
import type { User } from "../../kernel/user.js";
import { defineHelpers } from "../helpers.js";
import { readLogoutBody } from "../readLogoutBody.js";
import { sendAnswer, sendAuthError } from "../sendAuthError.js";

export type { GuardHelpers, GuardOptions } from "../helpers.js";

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
  /** {@inheritDoc GuardOptions.maxTokenAge} */
  maxTokenAge?: number;
}

/**
 * A checker: resolves the user or rejects with an AuthError (401 / 403 / 400 / 502); `params`
 * are the route's path parameters, read by `requireBinding`.
 *
 * @example
 * const adminOnly: RequestChecker = requireRole("admin");
 * const user = await adminOnly(request);
 */
export type RequestChecker = (
  req: AnyRequest,
  params?: Readonly<Record<string, string | undefined>>,
) => Promise<User>;

function contextOf(req: AnyRequest) {
  const headers = req.headers;
  return typeof (headers as Headers).get === "function"
    ? new WebRequestContext(headers as Headers, req.url)
    : new NodeHeadersContext(headers as IncomingMessage["headers"]);
}

/**
 * A route handler for node:http (writes the answer to `res`) and for Web `Request`s (resolves
 * the `Response`): the back-channel logout and protected resource metadata routes.
 *
 * @example
 * const logout: RouteHandler = backchannelLogout();
 * export const POST = logout; // a Next.js route handler (app/auth/backchannel-logout/route.ts)
 */
export interface RouteHandler {
  (req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** `context`: what a framework passes beside the request (Next.js route params); unused. */
  (request: Request, context?: unknown): Promise<Response>;
}

const requests = callBinding<AnyRequest>(contextOf);
const results = callBinding<AnyRequest, AuthResult>(contextOf, {
  allow: (user, error) => ({ user, error }),
});
const helpers = defineHelpers<RequestChecker, NodeAuthOptions, RouteHandler>(
  (bound) => (req, params) => resolveUser(bound, requests, req, params) as Promise<User>,
  (answer) =>
    (async (req: AnyRequest, res?: ServerResponse) => {
      const reply = await answer(contextOf(req).header("content-type"), () => readLogoutBody(req));
      // A Web Request gets its Response back (Next.js passes a context object as the second
      // argument, never a ServerResponse); node:http writes to `res`.
      if (typeof (req as Request).arrayBuffer === "function" || res === undefined) {
        return new Response(reply.body, { status: reply.status, headers: reply.headers });
      }
      return sendAnswer(res, reply);
    }) as RouteHandler,
);

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
  const bound =
    options?.maxTokenAge === undefined
      ? resolveAuth(options).guards.attach
      : {
          ...resolveAuth(options).guards.attach,
          maxTokenAge: checkMaxTokenAge(options.maxTokenAge, "maxTokenAge"),
        };
  return runGuard(bound, results, req, undefined, undefined);
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
  if (options?.maxTokenAge !== undefined) return helpers.getCurrentUser(options)(req);
  return resolveUser(resolveAuth(options).guards.required, requests, req) as Promise<User>;
}

/**
 * The user, or null when the token is missing/invalid; still throws 502 when the proxy is down.
 *
 * @example
 * const user = await getCurrentUserOptional(req);
 */
export function getCurrentUserOptional(
  req: AnyRequest,
  options?: NodeAuthOptions,
): Promise<User | null> {
  if (options?.maxTokenAge !== undefined) return helpers.getCurrentUserOptional(options)(req);
  return resolveUser(resolveAuth(options).guards.optional, requests, req);
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
  const { status, headers, body } = errorAnswer(asAuthError(error));
  return new Response(body, { status, headers });
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

/** {@inheritDoc GuardHelpers.requirePermission} @example const user = await requirePermission("audit")(request); */
export const requirePermission = helpers.requirePermission;
/** {@inheritDoc GuardHelpers.requireRole} @example const user = await requireRole("admin")(request); */
export const requireRole = helpers.requireRole;
/** {@inheritDoc GuardHelpers.requireAnyRole} @example const user = await requireAnyRole(["admin", "auditor"])(request); */
export const requireAnyRole = helpers.requireAnyRole;
/** {@inheritDoc GuardHelpers.requireScope} @example const user = await requireScope("orders:write")(request); */
export const requireScope = helpers.requireScope;
/** {@inheritDoc GuardHelpers.requireAuthLevel} @example const user = await requireAuthLevel({ acr: ["mfa"], maxAge: 300 })(request); */
export const requireAuthLevel = helpers.requireAuthLevel;
/** {@inheritDoc GuardHelpers.requireInternal} @example const caller = await requireInternal({ allowedClients: ["indexer"] })(request); */
export const requireInternal = helpers.requireInternal;
/** {@inheritDoc GuardHelpers.requireBinding} @example const user = await requireBinding({ appId: true })(request, { appId: params.appId }); */
export const requireBinding = helpers.requireBinding;
/** {@inheritDoc GuardHelpers.claimEquals} @example const user = await claimEquals("org_id", "acme")(request); */
export const claimEquals = helpers.claimEquals;
/** {@inheritDoc GuardHelpers.claimIncludes} @example const user = await claimIncludes("groups", "billing")(request); */
export const claimIncludes = helpers.claimIncludes;
/** {@inheritDoc GuardHelpers.claimCheck} @example const user = await claimCheck((claims) => claims.email_verified === true, "a verified email")(request); */
export const claimCheck = helpers.claimCheck;
/**
 * {@inheritDoc GuardHelpers.backchannelLogout}
 *
 * @example
 * const logout = backchannelLogout();
 * createServer((req, res) => {
 *   if (req.method === "POST" && req.url === "/auth/backchannel-logout") return void logout(req, res);
 * });
 */
export const backchannelLogout = helpers.backchannelLogout;
/**
 * {@inheritDoc GuardHelpers.protectedResourceMetadata}
 *
 * @example
 * // app/.well-known/oauth-protected-resource/mcp/route.ts (Next.js), or a node:http route
 * export const GET = protectedResourceMetadata();
 */
export const protectedResourceMetadata = helpers.protectedResourceMetadata;
