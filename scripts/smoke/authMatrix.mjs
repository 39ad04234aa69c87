// The auth checks every runtime app answers, in proxy mode and in JWT mode, against the mock:
// what a consumer sees from a protected route. Each target serves /me (the user),
// /read (a permission the mock grants) and /audit (one it denies) under its own prefix.

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
 * One request to a target; resolves to the status a consumer sees. Server components answer
 * HTML, so they carry the status in `data-status` (a page cannot set its own status code).
 */
export async function statusOf(target, check, devToken) {
  const headers = {};
  const token = check.token === "dev" ? devToken : check.token === "invalid" ? INVALID_TOKEN : null;
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
  return mode === "proxy"
    ? { OXAIGEN_AUTH_DEV_MODE: "1", OXAIGEN_AUTH_DEV_PROXY_URL: mockUrl }
    : { AUTH_ISSUER: mockUrl, AUTH_AUDIENCE: MOCK_AUDIENCE };
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
