import { HostNotAllowedError, InvalidRequestError } from "../kernel/errors.js";
import type { RequestTarget } from "../kernel/requestTarget.js";
import type { RequestContext } from "../kernel/types.js";
import { HostAllowList } from "../validators/proxy/HostAllowList.js";
import { parseHost } from "../validators/proxy/parseHost.js";
import type { DpopSettings } from "./resolveDpopSettings.js";

/**
 * The origin a DPoP proof's `htu` must name, by proxy mode's rules: the host from
 * X-Forwarded-Host when trusted (`OXAIGEN_AUTH_TRUST_FORWARDED_HOST`), else Host; the scheme from
 * X-Forwarded-Proto when trusted, else the connection's; the host checked against
 * `OXAIGEN_AUTH_ALLOWED_HOSTS` when set (else a proof made for another site that answers to the
 * same Host could be replayed here).
 *
 * @example
 * const originOf = dpopOrigin(settings.dpop);
 * originOf(ctx, target); // "https://api.example.com"
 */
export function dpopOrigin(
  settings: DpopSettings,
): (ctx: RequestContext, target: RequestTarget) => string {
  const hosts = settings.allowedHosts;
  const lists =
    hosts === undefined
      ? undefined
      : { http: new HostAllowList(hosts, "http"), https: new HostAllowList(hosts, "https") };
  const trust = settings.trustForwardedHost;
  return (ctx, target) => {
    const raw =
      (trust ? ctx.header("x-forwarded-host") : undefined) ?? ctx.header("host") ?? target.host;
    const parsed = raw === undefined ? null : parseHost(raw);
    if (parsed === null) {
      throw new InvalidRequestError(
        "The Host / X-Forwarded-Host header is missing or malformed: send a single host[:port].",
      );
    }
    const proto = trust
      ? ctx.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase()
      : undefined;
    const scheme = proto === "http" || proto === "https" ? proto : target.scheme;
    if (lists !== undefined && !lists[scheme].allows(parsed)) throw new HostNotAllowedError();
    return `${scheme}://${parsed.host}`;
  };
}
