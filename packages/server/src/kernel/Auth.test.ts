import { describe, expect, it } from "vitest";
import { fakeValidator, makeUser } from "../../test/fakeValidator.js";
import { createAuth } from "../config/createAuth.js";
import { InvalidTokenError, PermissionDeniedError } from "./errors.js";

const LOW = "low-privilege-token";
const ADMIN = "admin-token";
const users = { [LOW]: makeUser("low"), [ADMIN]: makeUser("admin", ["admin"]) };
const silent = { warn: () => {} };

describe("the per-request memo", () => {
  it("serves a later guard only for the token it validated: a swapped token is validated again", async () => {
    // No caching, so only the memo could answer the second check.
    const validator = fakeValidator(users);
    const auth = createAuth({ env: {}, validator, cacheTtlSeconds: 0, logger: silent });
    const request = { headers: { authorization: `Bearer ${LOW}` } };
    expect((await auth.getCurrentUser(request)).id).toBe("low");
    await expect(auth.requirePermission("admin")(request)).rejects.toBeInstanceOf(
      PermissionDeniedError,
    );
    request.headers.authorization = `Bearer ${ADMIN}`; // e.g. a gateway rewriting the header
    expect((await auth.requirePermission("admin")(request)).id).toBe("admin");
    expect(validator.verifyCalls).toBe(2);
  });

  it("still shares one upstream call between middleware and guards for the same token", async () => {
    const validator = fakeValidator(users);
    const auth = createAuth({ env: {}, validator, cacheTtlSeconds: 0, logger: silent });
    const request = { headers: { authorization: `Bearer ${LOW}` } };
    await auth.authenticate(request);
    await auth.getCurrentUser(request);
    expect(validator.verifyCalls).toBe(1);
  });
});

describe("revocation", () => {
  it("refuses a revoked token even though its validation was cached", async () => {
    const validator = fakeValidator(users);
    const auth = createAuth({ env: {}, validator, logger: silent });
    const request = () => ({ headers: { authorization: `Bearer ${LOW}` } });
    expect((await auth.getCurrentUser(request())).id).toBe("low");
    await auth.revoke({ token: LOW });
    await expect(auth.getCurrentUser(request())).rejects.toBeInstanceOf(InvalidTokenError);
    expect((await auth.getCurrentUser({ headers: { authorization: `Bearer ${ADMIN}` } })).id).toBe(
      "admin",
    );
  });
});

describe("auth disabled (AUTH_PROVIDER=none)", () => {
  it("is one concept handled by the runner: every guard lets the anonymous user through", async () => {
    const auth = createAuth({ env: { AUTH_PROVIDER: "none" }, logger: silent });
    const request = { headers: {} };
    expect((await auth.getCurrentUser(request)).isAnonymous).toBe(true);
    expect((await auth.requirePermission("anything")(request)).isAnonymous).toBe(true);
    expect(auth.disabled).toBe(true);
  });
});
