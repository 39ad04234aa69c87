import { PermissionDeniedError } from "../errors.js";
import type { Guard } from "../Guard.js";
import { requireUser } from "../RequestAuthState.js";
import { assertNames } from "./assertNames.js";

/** Scope guard: every listed scope must be granted to the token (`scope` / `scp`). */
export function scopeGuard(scopes: readonly string[]): Guard {
  const wanted = assertNames(scopes, "scope");
  return (state) => {
    const user = requireUser(state);
    const missing = wanted.filter((scope) => !user.scopes.includes(scope));
    if (missing.length === 0) return user;
    // `scope="…"` names every scope the route needs (RFC 6750 §3): a client re-authorizing with
    // it (an MCP scope challenge) gets a token that passes, not one that only has the missing part.
    throw new PermissionDeniedError(
      wanted.join(" "),
      `Missing scope ${missing.join(", ")}: request it when obtaining the access token.`,
    );
  };
}
