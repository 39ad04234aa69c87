// A consumer of the built package: imports the Express entry, creates an Auth in the mode named
// by argv[2] ("proxy" or "jwt") and authenticates one request, then prints the answer's status.
import { createHmac } from "node:crypto";
import { appendFileSync } from "node:fs";
import { createAuth } from "@org/auth-server";
import "@org/auth-server/express";

const SECRET = "module-graph-test-secret-of-32-bytes!";
const ISSUER = "https://issuer.test";

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");

function hs256(claims) {
  const input = `${b64url({ alg: "HS256", typ: "JWT" })}.${b64url(claims)}`;
  return `${input}.${createHmac("sha256", SECRET).update(input).digest("base64url")}`;
}

const mode = process.argv[2];
const env =
  mode === "jwt"
    ? {
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: "api",
        AUTH_JWT_SECRET: SECRET,
        AUTH_ALGORITHMS: "HS256",
      }
    : // Port 9 (discard) refuses the connection: the request goes out and answers 502.
      { OXAIGEN_AUTH_DEV_MODE: "1", OXAIGEN_AUTH_DEV_PROXY_URL: "http://127.0.0.1:9" };
const auth = createAuth({ env, redis: false, logger: { warn() {}, error() {} } });
const token =
  mode === "jwt"
    ? hs256({
        iss: ISSUER,
        aud: "api",
        sub: "u1",
        email: "u1@example.com",
        exp: Date.now() / 1000 + 600,
      })
    : "some-opaque-token";
const { user, error } = await auth.authenticate({ headers: { authorization: `Bearer ${token}` } });
// What loaded before this line was needed for the first answer (a cold start waits for it).
appendFileSync(process.env.MODULE_GRAPH_FILE, "first-answer\n");
// Anything loaded in the background after the first request would show up by now.
await new Promise((resolve) => setTimeout(resolve, 500));
console.log(JSON.stringify({ status: error ? error.status : 200, email: user?.email ?? null }));
process.exit(0);
