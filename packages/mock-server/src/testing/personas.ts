/**
 * The personas every mock knows without configuration, by user name: the configured user
 * (`OXAIGEN_AUTH_MOCK_USER_NAME`, default `mock-user`), an admin and a viewer, so role and
 * permission checks have both sides.
 *
 * @example
 * import { PERSONA_NAMES, startMockAuth } from "@org/auth-mock-server/testing";
 *
 * const kit = await startMockAuth();
 * for (const name of PERSONA_NAMES) console.log(name, await kit.token(name));
 */
export const PERSONA_NAMES = ["mock-user", "mock-admin", "mock-viewer"] as const;

/**
 * A built-in persona's user name (see `PERSONA_NAMES`).
 *
 * @example
 * const who: PersonaName = "mock-admin";
 * const token = await kit.token(who); // roles ["admin", "member"], permissions read/write/admin
 */
export type PersonaName = (typeof PERSONA_NAMES)[number];
