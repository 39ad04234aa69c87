// The auth checks every runtime app answers, in proxy, JWT and introspection mode, against the mock:
// what a consumer sees from a protected route. Each target serves /me (the user),
// /read (a permission the mock grants) and /audit (one it denies) under its own prefix; targets
// marked `ws` also authenticate WebSocket upgrades on /ws and /ws-audit.
import { request } from "node:http";

export const INVALID_TOKEN = "not-a-valid-token";

/** The checks that run while the mock is up, in order. */
export const LIVE_CHECKS = [
  { name: "no token", path: "me", token: null, want: 401 },
  { name: "dev token", path: "me", token: "dev", want: 200 },
  { name: "invalid token", path: "me", token: "invalid", want: 401 },
  { name: "permission granted", path: "read", token: "dev", want: 200 },
  { name: "permission denied", path: "audit", token: "dev", want: 403 },
];
/** Runs first, before the app has ever reached the mock (no cached user, no cached keys). */
export const DOWN_CHECK = { name: "mock stopped", path: "me", token: "dev", want: 502 };
export const ALL_CHECKS = [...LIVE_CHECKS, DOWN_CHECK];

/**
 * WebSocket handshakes, the token in the `oxa-auth.bearer.` subprotocol as browsers send it. 101
 * counts only with `oxa-auth` answered (never the token entry) and the server's first message
 * naming the user.
 */
export const WS_CHECKS = [
  { name: "ws no token", path: "ws", token: null, want: 401, ws: true },
  { name: "ws dev token", path: "ws", token: "dev", want: 101, ws: true },
  { name: "ws invalid token", path: "ws", token: "invalid", want: 401, ws: true },
  { name: "ws permission denied", path: "ws-audit", token: "dev", want: 403, ws: true },
];

/** The checks of a row: every target's, plus the WebSocket ones for targets that serve them. */
export const checksOf = (row) => (row.ws ? [...ALL_CHECKS, ...WS_CHECKS] : ALL_CHECKS);

const tokenOf = (check, devToken) =>
  check.token === "dev" ? devToken : check.token === "invalid" ? INVALID_TOKEN : null;

/**
 * One request to a target; resolves to the status a consumer sees. Server components answer
 * HTML, so they carry the status in `data-status` (a page cannot set its own status code).
 */
export async function statusOf(target, check, devToken) {
  if (check.ws) return upgradeStatusOf(target, check, devToken);
  const headers = {};
  const token = tokenOf(check, devToken);
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${target.url}${target.prefix}/${check.path}`, {
    headers,
    signal: AbortSignal.timeout(15_000),
  });
  const body = await res.text();
  if (target.html) {
    const status = /data-status="(\d+)"/.exec(body)?.[1];
    return { status: status ? Number(status) : `HTTP ${res.status} without data-status`, body };
  }
  return { status: res.status, body };
}

/** The mock's JWTs carry `aud: oxaigen-mock` and `iss` = the mock's URL. */
export const MOCK_AUDIENCE = "oxaigen-mock";

/** The environment of an app in one mode, pointing at the mock. */
export function modeEnv(mode, mockUrl) {
  if (mode === "proxy") return { OXAIGEN_AUTH_DEV_MODE: "1", OXAIGEN_AUTH_DEV_PROXY_URL: mockUrl };
  const jwt = { AUTH_ISSUER: mockUrl, AUTH_AUDIENCE: MOCK_AUDIENCE };
  if (mode === "jwt") return jwt;
  // The mock's confidential zero-config client, at its RFC 7662 endpoint.
  return {
    ...jwt,
    AUTH_PROVIDER: "introspection",
    AUTH_INTROSPECTION_URL: `${mockUrl}/oidc/introspect`,
    AUTH_CLIENT_ID: "mock-client",
    AUTH_CLIENT_SECRET: "mock-client-secret",
  };
}

/**
 * A JWT for the mock's user: the refresh endpoint starts a session from the static refresh
 * token (no browser needed). This is how to get a mock JWT for testing JWT mode.
 */
export async function mintMockJwt(mockUrl) {
  const res = await fetch(`${mockUrl}/_oxa_auth/refresh`, {
    method: "POST",
    headers: { cookie: "OxaigenPlatformAuthRefreshToken=mock-dev-refresh-token" },
  });
  if (res.status !== 200) throw new Error(`the mock's /refresh answered ${res.status}`);
  const { access_token: jwt } = await res.json();
  if (typeof jwt !== "string" || jwt.split(".").length !== 3) {
    throw new Error("the mock's /refresh did not answer a JWT");
  }
  return jwt;
}

/** One WebSocket handshake over node:http: the refusal's status, or 101 with the first message. */
function upgradeStatusOf(target, check, devToken) {
  const token = tokenOf(check, devToken);
  const key = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  return new Promise((resolve, reject) => {
    const req = request(`${target.url}${target.prefix}/${check.path}`, {
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": key,
        // The token entry first: a server that echoes the first offer (Bun's default) fails.
        "sec-websocket-protocol": token ? `oxa-auth.bearer.${token}, oxa-auth` : "oxa-auth",
      },
      signal: AbortSignal.timeout(15_000),
    });
    req.on("error", reject);
    req.on("response", async (res) => {
      let body = "";
      for await (const chunk of res) body += chunk;
      resolve({ status: res.statusCode, body });
    });
    req.on("upgrade", (res, socket, head) => {
      const protocol = res.headers["sec-websocket-protocol"];
      let frame = head;
      const done = (status, body) => {
        socket.destroy();
        resolve({ status, body });
      };
      const timer = setTimeout(() => done("101 without a first message", ""), 5_000);
      const read = () => {
        // A server's small text frame: 0x81, a 7-bit length, the unmasked payload.
        const length = frame.length >= 2 ? frame[1] & 0x7f : Number.POSITIVE_INFINITY;
        if (frame.length < 2 + length) return;
        clearTimeout(timer);
        const text = frame.subarray(2, 2 + length).toString("utf8");
        let hello = null;
        try {
          hello = JSON.parse(text).hello;
        } catch {}
        const ok = frame[0] === 0x81 && protocol === "oxa-auth" && typeof hello === "string";
        // Never print an echoed token entry: name it.
        const answered = protocol?.startsWith("oxa-auth.bearer.") ? "the token entry" : protocol;
        done(ok ? 101 : `101 (protocol ${answered ?? "none"}, first frame ${text})`, text);
      };
      socket.on("data", (chunk) => {
        frame = Buffer.concat([frame, chunk]);
        read();
      });
      read();
    });
    req.end();
  });
}
