import { InvalidTokenError } from "../src/kernel/errors.js";
import type { RequestContext, TokenValidator, Verification } from "../src/kernel/types.js";
import { makeUser as createUser, type User } from "../src/kernel/user.js";

/** A user with the given id and permissions. */
export function makeUser(id: string, permissions: string[] = []): User {
  return createUser({
    id,
    workspacePermissions: permissions.map((name) => ({ name })),
    permissions,
    provider: "fake",
  });
}

/** A counting validator: tokens in `users` are valid, anything else is a 401. */
export interface FakeValidator extends TokenValidator {
  verifyCalls: number;
  permissionCalls: number;
  /** When set, verify throws this instead (simulates an outage). */
  failWith: unknown;
  /** When set, verify waits for this promise first (to hold calls in flight). */
  gate: Promise<void> | undefined;
  /** Per-token expiry to return (JWT exp). */
  expiresAt: number | undefined;
}

export function fakeValidator(
  users: Record<string, User>,
  options: { scoped?: boolean } = {},
): FakeValidator {
  const validator: FakeValidator = {
    name: "fake",
    verifyCalls: 0,
    permissionCalls: 0,
    failWith: undefined,
    gate: undefined,
    expiresAt: undefined,
    async verify(token: string): Promise<Verification> {
      validator.verifyCalls += 1;
      if (validator.gate !== undefined) await validator.gate;
      if (validator.failWith !== undefined) throw validator.failWith;
      const user = users[token];
      if (user === undefined) throw new InvalidTokenError();
      return validator.expiresAt === undefined
        ? { user }
        : { user, expiresAt: validator.expiresAt };
    },
    async hasPermission(_token, verification, permission) {
      validator.permissionCalls += 1;
      if (validator.failWith !== undefined) throw validator.failWith;
      return verification.user.permissions.includes(permission);
    },
  };
  if (options.scoped) {
    validator.scope = (ctx: RequestContext) => ctx.header("x-scope") ?? "default";
  }
  return validator;
}
