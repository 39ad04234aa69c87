// A JWT bench server: `node jwt-server.mjs <variant>[,<variant>…]`: one Express 5 app and port per
// variant in this one process, one route, the same body in every variant. ISSUER / AUDIENCE / JWKS_URL come from env (a local 127.0.0.1 provider).
import { hash } from "node:crypto";

const [names] = process.argv.slice(2);
const { ISSUER, AUDIENCE, JWKS_URL } = process.env;
const BODY = JSON.stringify({ hello: "world" });

const { default: express } = await import("express");
const handler = (_req, res) => {
  res.type("application/json").send(BODY);
};
const unauthorized = (res) => res.status(401).json({ error: "unauthorized" });
const bearer = (req) => {
  const header = req.headers.authorization ?? "";
  return header.startsWith("Bearer ") ? header.slice(7) : null;
};

const variants = {
  none: async () => [],
  // Control: the SDK imported but not on the route, to tell the guard's cost from the process's.
  "sdk-loaded": async () => {
    await import("@org/auth-server/express");
    return [];
  },
  // Control: the least any cached verifier must do (read the header, sha256 it for the cache key,
  // attach a user), so the table shows what Express itself leaves for auth to work with.
  floor: async () => {
    const user = Object.freeze({ sub: "bench-user" });
    return [
      (req, res, next) => {
        const token = bearer(req);
        if (token === null) return unauthorized(res);
        req.auth = hash("sha256", token, "binary").length > 0 ? user : null;
        next();
      },
    ];
  },
  // This package, zero config: AUTH_ISSUER / AUTH_AUDIENCE are set in env (OIDC discovery).
  ours: async () => {
    const { getCurrentUser } = await import("@org/auth-server/express");
    return [getCurrentUser()];
  },
  "express-oauth2-jwt-bearer": async () => {
    const { auth } = await import("express-oauth2-jwt-bearer");
    return [
      auth({ issuer: ISSUER, audience: AUDIENCE, jwksUri: JWKS_URL, tokenSigningAlg: "RS256" }),
    ];
  },
  "aws-jwt-verify": async () => {
    const { JwtRsaVerifier } = await import("aws-jwt-verify");
    const verifier = JwtRsaVerifier.create({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: JWKS_URL,
    });
    // aws-jwt-verify only fetches over https: hand it the local provider's JWKS instead.
    verifier.cacheJwks(await (await fetch(JWKS_URL)).json());
    return [
      (req, res, next) => {
        const token = bearer(req);
        if (token === null) return unauthorized(res);
        verifier.verify(token).then(
          (payload) => {
            req.auth = payload;
            next();
          },
          () => unauthorized(res),
        );
      },
    ];
  },
  jose: async () => {
    const { createRemoteJWKSet, jwtVerify } = await import("jose");
    const jwks = createRemoteJWKSet(new URL(JWKS_URL));
    const options = { issuer: ISSUER, audience: AUDIENCE, algorithms: ["RS256"] };
    return [
      (req, res, next) => {
        const token = bearer(req);
        if (token === null) return unauthorized(res);
        jwtVerify(token, jwks, options).then(
          ({ payload }) => {
            req.auth = payload;
            next();
          },
          () => unauthorized(res),
        );
      },
    ];
  },
  "express-jwt": async () => {
    const { expressjwt } = await import("express-jwt");
    const { default: jwksRsa } = await import("jwks-rsa");
    return [
      expressjwt({
        secret: jwksRsa.expressJwtSecret({ jwksUri: JWKS_URL, cache: true, rateLimit: false }),
        audience: AUDIENCE,
        issuer: ISSUER,
        algorithms: ["RS256"],
      }),
    ];
  },
  "fast-jwt": async () => {
    const { createVerifier } = await import("fast-jwt");
    const { default: buildGetJwks } = await import("get-jwks");
    const getJwks = buildGetJwks({
      jwksPath: new URL(JWKS_URL).pathname.replace(new URL(ISSUER).pathname, ""),
    });
    const verify = createVerifier({
      key: async ({ header }) =>
        getJwks.getPublicKey({ kid: header.kid, alg: header.alg, domain: ISSUER }),
      cache: true,
      allowedAud: AUDIENCE,
      allowedIss: ISSUER,
      algorithms: ["RS256"],
    });
    return [
      (req, res, next) => {
        const token = bearer(req);
        if (token === null) return unauthorized(res);
        verify(token).then(
          (payload) => {
            req.auth = payload;
            next();
          },
          () => unauthorized(res),
        );
      },
    ];
  },
};

async function start(variant) {
  const make = variants[variant];
  if (make === undefined) throw new Error(`unknown variant ${variant}`);
  const app = express();
  app.get("/hello", ...(await make()), handler);
  app.use((error, _req, res, _next) =>
    res.status(error.status ?? 500).json({ error: "unauthorized" }),
  );
  return new Promise((resolve) => {
    const server = app.listen(0, "127.0.0.1", () => resolve(server.address().port));
  });
}

// Exit cleanly on SIGINT, so `--cpu-prof` runs write their profile.
process.on("SIGINT", () => process.exit(0));
const ports = {};
for (const variant of names.split(",")) ports[variant] = await start(variant);
process.send({ ports });
// CPU time the server spent, so the bench can report a load-independent cost per request.
process.on("message", (message) => {
  if (message === "cpu") process.send({ cpu: process.cpuUsage() });
});
