import { createDpopChecker } from "../dpop/createDpopChecker.js";
import type { Auth } from "../kernel/Auth.js";
import type { DpopProofChecker } from "../kernel/DpopGate.js";
import { dpopOrigin } from "./dpopOrigin.js";
import type { DpopSettings } from "./resolveDpopSettings.js";

/**
 * The DPoP proof checker of an instance, from its settings: `htu` read by the proxy mode's
 * host rules, each `jti` remembered with `auth.firstSight` (Redis `SET NX` fleet-wide, else an
 * in-process LRU); undefined when `AUTH_DPOP=off`.
 *
 * @example
 * new Auth(validator, settings.auth, console, { platform, dpop: createDpop(settings.dpop, 60) });
 */
export function createDpop(
  settings: DpopSettings,
  clockToleranceSeconds: number,
): ((auth: Auth) => DpopProofChecker) | undefined {
  if (settings.mode === "off") return undefined;
  const originOf = dpopOrigin(settings);
  return (auth) =>
    createDpopChecker({
      originOf,
      firstSight: (id, ttlMs) => auth.firstSight(id, ttlMs),
      clockToleranceSeconds,
      ...(settings.nonceSecret === undefined ? {} : { nonceSecret: settings.nonceSecret }),
    });
}
