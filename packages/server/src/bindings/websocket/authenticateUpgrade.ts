import { resolveAuth } from "../../config/defaultAuth.js";
import type { Auth } from "../../kernel/Auth.js";
import { bindGuard } from "../../kernel/Guard.js";
import { type Requirement, requirements } from "../../kernel/guards/requirements.js";
import type { RequestAuthState } from "../../kernel/RequestAuthState.js";
import { type RequestLike, toRequestContext } from "../../kernel/requestContext.js";
import { callBinding, resolveUser } from "../../kernel/runGuard.js";
import type { User } from "../../kernel/user.js";
import { WS_AUTH_PROTOCOL } from "./constants.js";
import { type Found, fromSubprotocols, upgradeToken, withProof } from "./upgradeCredentials.js";
import { upgradeGuard } from "./upgradeGuard.js";
import { type WatchedSocket, watchSocket } from "./watchSocket.js";

export { selectWsProtocol } from "./selectWsProtocol.js";
export type { WatchedSocket } from "./watchSocket.js";
/**
 * Options of {@link authenticateUpgrade}.
 *
 * @example
 * const options: UpgradeOptions = { auth, permission: "chat" };
 * const { user } = await authenticateUpgrade(request, options);
 */
export interface UpgradeOptions {
  /** Explicit instance; default: the process-wide one from env. */
  auth?: Auth;
  /** Also require this permission (403 otherwise). */
  permission?: string;
  /**
   * Also require these, checked in order after the user: any guard of `requirements` (roles,
   * scopes, internal clients…), exactly as the HTTP helpers check them.
   *
   * @example
   * await authenticateUpgrade(req, { require: [requirements.role("support"), requirements.scope("chat")] });
   */
  require?: Requirement | readonly Requirement[];
}

/**
 * The outcome of an authenticated upgrade.
 *
 * @example
 * const { user, protocol }: UpgradeResult = await authenticateUpgrade(request);
 * // answer with `protocol` (never the token-carrying entry)
 */
export interface UpgradeResult {
  user: User;
  /** The subprotocol to answer with (`oxa-auth` when the client offered it), never the token. */
  protocol: string | undefined;
  /**
   * Ends the socket with its session: closes it with {@link WS_CLOSE_TOKEN_EXPIRED} (4001) when
   * the token expires and {@link WS_CLOSE_REVOKED} (4003) when it is revoked (on any instance,
   * with Redis). Stops watching when the socket closes (`once` or `addEventListener`); returns
   * the stop function for sockets with neither (Bun's: call it from `websocket.close`).
   */
  watch(socket: WatchedSocket): () => void;
}

/**
 * Authenticates an HTTP upgrade request before the WebSocket opens. Returns the user and the
 * subprotocol to answer with; throws an AuthError (401 / 403 / 400 / 502) to pass to
 * {@link rejectUpgrade}.
 *
 * @example
 * server.on("upgrade", async (req, socket, head) => {
 *   try {
 *     const { user } = await authenticateUpgrade(req);
 *     wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws, req, user));
 *   } catch (error) {
 *     rejectUpgrade(socket, error);
 *   }
 * });
 */
export async function authenticateUpgrade(
  request: RequestLike,
  options: UpgradeOptions = {},
): Promise<UpgradeResult> {
  const auth = resolveAuth(options);
  // Made (and their arguments checked) before anything is read from the request.
  const required = [
    ...(options.permission === undefined ? [] : [requirements.permission(options.permission)]),
    ...(options.require === undefined ? [] : [options.require].flat()),
  ].map((requirement) => requirement.guard(auth));
  let offersAuthProtocol = false;
  let offered: Found = { token: null, proof: null, offersAuthProtocol: false };
  const context = (req: RequestLike) => {
    const ctx = toRequestContext(req);
    offered = fromSubprotocols(ctx.header("sec-websocket-protocol"));
    return withProof(ctx, offered.proof);
  };
  const binding = callBinding<RequestLike>(context, {
    token(req, ctx) {
      const found = upgradeToken(auth, ctx, (req as { url?: string }).url, offered);
      offersAuthProtocol = found.offersAuthProtocol;
      return found.token;
    },
  });
  // The guard keeps the state it let through: the socket is watched for that token's session.
  let admitted: RequestAuthState | undefined;
  const guard = upgradeGuard(required, (state) => {
    admitted = state;
  });
  const user = (await resolveUser(bindGuard(auth, guard), binding, request)) as User;
  const watch = (socket: WatchedSocket) => watchSocket(auth, admitted, socket);
  return { user, protocol: offersAuthProtocol ? WS_AUTH_PROTOCOL : undefined, watch };
}
