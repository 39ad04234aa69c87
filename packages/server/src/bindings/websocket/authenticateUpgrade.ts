import { resolveAuth } from "../../config/defaultAuth.js";
import type { Auth } from "../../kernel/Auth.js";
import {
  InvalidRequestError,
  InvalidTokenError,
  UnauthenticatedError,
} from "../../kernel/errors.js";
import { MALFORMED, malformedAuthorization, readToken } from "../../kernel/extractBearerToken.js";
import { bindGuard, type Guard, type RouteParams } from "../../kernel/Guard.js";
import { type Requirement, requirements } from "../../kernel/guards/requirements.js";
import type { RequestAuthState } from "../../kernel/RequestAuthState.js";
import { type RequestLike, toRequestContext } from "../../kernel/requestContext.js";
import { callBinding, resolveUser } from "../../kernel/runGuard.js";
import type { RequestContext } from "../../kernel/types.js";
import type { User } from "../../kernel/user.js";
import {
  WS_AUTH_PROTOCOL,
  WS_BEARER_PROTOCOL_PREFIX,
  WS_CLOSE_REVOKED,
  WS_DPOP_PROTOCOL_PREFIX,
} from "./constants.js";

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
 * The part of a WebSocket that {@link UpgradeResult.watch} uses: `ws`'s (Node), a Web
 * `WebSocket` (Deno's `Deno.upgradeWebSocket`), or anything with `close` (Bun's).
 *
 * @example
 * wss.handleUpgrade(req, socket, head, (ws: WatchedSocket) => result.watch(ws));
 */
export interface WatchedSocket {
  /** Closes the socket with a code (4001 / 4003) and a short reason. */
  close(code: number, reason: string): void;
  /** Node style (`ws`): registers the listener that stops the watch once the socket has closed. */
  once?(event: "close", listener: () => void): unknown;
  /** Web style (`WebSocket`): the same through the event target. */
  addEventListener?(type: "close", listener: () => void, options?: { once?: boolean }): void;
}

// RFC 7230 tchar: a subprotocol entry must be a token, so the bearer value must be one too.
const TCHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

interface Found {
  token: string | null;
  /** The DPoP proof of the `oxa-auth.dpop.` entry, checked like a `DPoP` header. */
  proof: string | null;
  offersAuthProtocol: boolean;
}

function fromSubprotocols(header: string | undefined): Found {
  const found: Found = { token: null, proof: null, offersAuthProtocol: false };
  if (header === undefined) return found;
  for (const raw of header.split(",")) {
    const entry = raw.trim();
    if (entry === WS_AUTH_PROTOCOL) found.offersAuthProtocol = true;
    else if (entry.startsWith(WS_DPOP_PROTOCOL_PREFIX)) {
      if (found.proof !== null) {
        throw new InvalidRequestError("Offer a single `oxa-auth.dpop.<proof>` subprotocol.");
      }
      found.proof = entry.slice(WS_DPOP_PROTOCOL_PREFIX.length);
    } else if (entry.startsWith(WS_BEARER_PROTOCOL_PREFIX)) {
      if (found.token !== null) {
        throw new InvalidRequestError("Offer a single `oxa-auth.bearer.<token>` subprotocol.");
      }
      const token = entry.slice(WS_BEARER_PROTOCOL_PREFIX.length);
      if (!TCHARS.test(token)) {
        throw new InvalidTokenError(
          "The token in the `oxa-auth.bearer.` subprotocol must consist of RFC 7230 token characters.",
        );
      }
      found.token = token;
    }
  }
  if (found.token !== null && !found.offersAuthProtocol) {
    throw new InvalidRequestError(
      'Offer the "oxa-auth" subprotocol next to "oxa-auth.bearer.<token>": the server answers with it.',
    );
  }
  return found;
}

function fromQuery(url: string | undefined): string | null {
  if (url === undefined || !url.includes("access_token=")) return null;
  let value: string | null;
  try {
    value = new URL(url, "http://upgrade.invalid").searchParams.get("access_token");
  } catch {
    return null;
  }
  return value === null || value === "" ? null : value;
}

/**
 * The upgrade's headers, with the subprotocol's DPoP proof read as the `DPoP` header (a real
 * header wins): the kernel checks it like any proof.
 */
function withProof(ctx: RequestContext, proof: string | null): RequestContext {
  if (proof === null) return ctx;
  return { header: (name) => ctx.header(name) ?? (name === "dpop" ? proof : undefined) };
}

/** Token sources in order: subprotocol, Authorization header, `access_token` query (if allowed). */
function upgradeToken(
  auth: Auth,
  ctx: RequestContext,
  url: string | undefined,
  found: Found,
): Found {
  if (found.token !== null) return found;
  // Cookies are deliberately ignored: browsers attach them to cross-site WebSocket handshakes.
  const header = readToken(ctx, null);
  if (header === MALFORMED) throw malformedAuthorization(ctx);
  found.token = header ?? (auth.settings.wsAllowQueryToken ? fromQuery(url) : null);
  return found;
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
  const watch = (socket: WatchedSocket) => {
    // Auth disabled: the runner skips the guard, there is no session to watch.
    if (admitted === undefined) return () => {};
    const stop = auth.watch(admitted, (code) =>
      socket.close(code, code === WS_CLOSE_REVOKED ? "session revoked" : "token expired"),
    );
    if (typeof socket.once === "function") socket.once("close", stop);
    else socket.addEventListener?.("close", stop, { once: true });
    return stop;
  };
  return { user, protocol: offersAuthProtocol ? WS_AUTH_PROTOCOL : undefined, watch };
}

/** A user is required (the message says how to send the token), then each requirement. */
function upgradeGuard(required: readonly Guard[], admit: (state: RequestAuthState) => void): Guard {
  return (state) => {
    admit(state);
    if (state.user === null) {
      throw (
        state.error ??
        new UnauthenticatedError(
          'Authentication required: offer the subprotocols ["oxa-auth", "oxa-auth.bearer.<token>"].',
        )
      );
    }
    return checkAll(required, state, state.user, 0);
  };
}

/** Runs the guards in order, synchronously while they answer synchronously (a cache hit). */
function checkAll(
  guards: readonly Guard[],
  state: RequestAuthState,
  user: User,
  from: number,
): User | Promise<User> {
  const params: RouteParams = undefined;
  for (let i = from; i < guards.length; i++) {
    const outcome = (guards[i] as Guard)(state, params);
    if (outcome instanceof Promise) return outcome.then(() => checkAll(guards, state, user, i + 1));
  }
  return user;
}

/**
 * For `ws`'s `handleProtocols`: answers `oxa-auth` when offered, so the token-carrying entry is
 * never echoed back (ws's default would pick the first offered entry).
 *
 * @example
 * const wss = new WebSocketServer({ noServer: true, handleProtocols: selectWsProtocol });
 */
export function selectWsProtocol(protocols: ReadonlySet<string>): string | false {
  return protocols.has(WS_AUTH_PROTOCOL) ? WS_AUTH_PROTOCOL : false;
}
