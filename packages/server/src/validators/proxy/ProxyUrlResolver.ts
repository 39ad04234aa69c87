import { HostNotAllowedError, InvalidRequestError } from "../../kernel/errors.js";
import type { RequestContext } from "../../kernel/types.js";
import { HostAllowList } from "./HostAllowList.js";
import type { ProxySettings } from "./ProxySettings.js";
import { parseHost } from "./parseHost.js";

const MAX_REMEMBERED_HOSTS = 1024;

/**
 * Picks the proxy base URL for a request: override > dev mode > `{scheme}://{host}` from
 * X-Forwarded-Host or Host (Host only when `trustForwardedHost` is false), checked against the
 * allow-list. Allowed hosts are remembered so the hot path is one Map lookup.
 */
export class ProxyUrlResolver {
  /** Set when the URL never depends on the request (override or dev mode). */
  readonly fixedUrl: string | undefined;
  private readonly scheme: string;
  private readonly trustForwardedHost: boolean;
  private readonly allowList: HostAllowList | undefined;
  private readonly known = new Map<string, string>();

  constructor(settings: ProxySettings) {
    this.fixedUrl =
      settings.proxyUrlOverride ?? (settings.devMode ? settings.devProxyUrl : undefined);
    this.scheme = settings.proxyScheme;
    this.trustForwardedHost = settings.trustForwardedHost;
    this.allowList =
      settings.allowedHosts === undefined
        ? undefined
        : new HostAllowList(settings.allowedHosts, settings.proxyScheme);
  }

  /** True when URLs come from client-controlled headers with no allow-list (warn at start-up). */
  get isUnrestricted(): boolean {
    return (
      this.fixedUrl === undefined && (this.allowList === undefined || this.allowList.allowsAll)
    );
  }

  /** The proxy base URL for this request; throws 400 (malformed) or 401 (not allowed). */
  resolve(ctx: RequestContext): string {
    if (this.fixedUrl !== undefined) return this.fixedUrl;
    const raw =
      (this.trustForwardedHost ? ctx.header("x-forwarded-host") : undefined) ?? ctx.header("host");
    if (raw === undefined) {
      throw new InvalidRequestError("The request has no Host header to derive the auth proxy URL.");
    }
    const known = this.known.get(raw);
    if (known !== undefined) return known;
    return this.resolveNew(raw);
  }

  private resolveNew(raw: string): string {
    const parsed = parseHost(raw);
    if (parsed === null) {
      throw new InvalidRequestError(
        "The Host / X-Forwarded-Host header is malformed: send a single host[:port].",
      );
    }
    if (this.allowList !== undefined && !this.allowList.allows(parsed)) {
      throw new HostNotAllowedError();
    }
    const url = `${this.scheme}://${parsed.host}`;
    // Only allowed hosts are remembered, and the map is bounded, so forged hosts cannot grow it.
    if (this.known.size >= MAX_REMEMBERED_HOSTS) this.known.clear();
    this.known.set(raw, url);
    return url;
  }
}
