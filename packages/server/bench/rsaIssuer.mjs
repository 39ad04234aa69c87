// An RS256 issuer on a free loopback port for the JWT benches: discovery, one key, and tokens
// signed with it.
import { generateKeyPairSync, sign } from "node:crypto";
import { once } from "node:events";
import { createServer } from "node:http";

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Starts the issuer; `token(claims)` signs compact RS256 tokens under kid `k`. */
export async function startRsaIssuer() {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: "jwk" }), kid: "k", alg: "RS256", use: "sig" };
  const server = createServer((req, res) => {
    const body =
      req.url === "/.well-known/openid-configuration"
        ? { issuer, jwks_uri: `${issuer}/jwks` }
        : { keys: [jwk] };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  }).listen(0, "127.0.0.1");
  await once(server, "listening");
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const header = b64({ alg: "RS256", kid: "k", typ: "JWT" });
  const token = (claims) => {
    const input = `${header}.${b64(claims)}`;
    return `${input}.${sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
  };
  return { issuer, jwk, server, token };
}
