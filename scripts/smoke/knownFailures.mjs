// Cells of the runtime support table that fail today, with what they answer, per
// `${target}/${mode}`. The smoke test fails when one of them starts to pass (remove it here) or
// fails differently, so this file is always the measured support table's list of gaps.
const NO_START = "no start";
const all = (status) =>
  Object.fromEntries(
    [
      "no token",
      "dev token",
      "invalid token",
      "permission granted",
      "permission denied",
      "mock stopped",
    ].map((check) => [check, status]),
  );
// Bun brings its own partial undici: `body.dump()` is missing, every upstream answer but 200 → 502.
const bunProxy = { "invalid token": 502, "permission granted": 502, "permission denied": 502 };
// undici compiles WebAssembly at run time, which workerd forbids: every upstream call → 502.
const workerdProxy = {
  "dev token": 502,
  "invalid token": 502,
  "permission granted": 502,
  "permission denied": 502,
};

export const KNOWN_FAILURES = {
  "bun-hono/proxy": bunProxy,
  "bun-web/proxy": bunProxy,
  "bun-express/proxy": bunProxy,
  // Without nodejs_compat the bundle does not build (node:crypto, node:net, undici).
  "workerd/proxy": all(NO_START),
  "workerd/jwt": all(NO_START),
  "workerd-nodejs_compat/proxy": workerdProxy,
  // `next build` fails: undici needs node:net, which the edge runtime lacks.
  "next-route-edge/proxy": all(NO_START),
  "next-route-edge/jwt": all(NO_START),
  "next-middleware.ts/proxy": all(NO_START),
  "next-middleware.ts/jwt": all(NO_START),
};
