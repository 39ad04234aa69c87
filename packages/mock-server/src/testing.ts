export type { MockState, MockStatePatch } from "./core/MockState.js";
export {
  BAD_TOKEN_KINDS,
  type BadTokenKind,
  type MintTokenOptions,
} from "./oidc/mintToken.js";
export {
  BAD_DPOP_PROOF_KINDS,
  type BadDpopProofKind,
  createDpopKey,
  createDpopProof,
  type DpopKey,
  type DpopProofOptions,
} from "./testing/createDpopProof.js";
export { PERSONA_NAMES, type PersonaName } from "./testing/personas.js";
export {
  type AuthServerMode,
  type MockAuthKit,
  type StartMockAuthOptions,
  startMockAuth,
  type TokenSubject,
} from "./testing/startMockAuth.js";
