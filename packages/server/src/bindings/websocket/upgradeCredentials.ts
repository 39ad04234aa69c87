import type { Auth } from "../../kernel/Auth.js";
import { InvalidRequestError, InvalidTokenError } from "../../kernel/errors.js";
import { MALFORMED, malformedAuthorization, readToken } from "../../kernel/extractBearerToken.js";
import type { RequestContext } from "../../kernel/types.js";
import {
  WS_AUTH_PROTOCOL,
  WS_BEARER_PROTOCOL_PREFIX,
  WS_DPOP_PROTOCOL_PREFIX,
} from "./constants.js";

// Where an upgrade's credentials come from: browsers cannot set headers on a WebSocket, so the
// token and the DPoP proof travel as subprotocol entries (docs/contracts.md).

// RFC 7230 tchar: a subprotocol entry must be a token, so the bearer value must be one too.
const TCHARS = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** What an upgrade request offered: its token, its DPoP proof, the `oxa-auth` subprotocol. */
export interface Found {
  token: string | null;
  /** The DPoP proof of the `oxa-auth.dpop.` entry, checked like a `DPoP` header. */
  proof: string | null;
  offersAuthProtocol: boolean;
}

/** Reads the subprotocol entries: `oxa-auth`, one bearer token, one DPoP proof. */
export function fromSubprotocols(header: string | undefined): Found {
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
export function withProof(ctx: RequestContext, proof: string | null): RequestContext {
  if (proof === null) return ctx;
  return { header: (name) => ctx.header(name) ?? (name === "dpop" ? proof : undefined) };
}

/** Token sources in order: subprotocol, Authorization header, `access_token` query (if allowed). */
export function upgradeToken(
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
