import { HostNotAllowedError, InvalidRequestError, UpstreamError } from "../../kernel/errors.js";
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
  private readonly source: "override" | "dev" | "derived";
  private readonly scheme: string;
  private readonly trustForwardedHost: boolean;
  private readonly allowList: HostAllowList | undefined;
  private readonly known = new Map<string, string>();

  constructor(settings: ProxySettings) {
    this.fixedUrl =
      settings.proxyUrlOverride ?? (settings.devMode ? settings.devProxyUrl : undefined);
    this.source =
      settings.proxyUrlOverride !== undefined ? "override" : settings.devMode ? "dev" : "derived";
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

  /**
   * An upstream failure, told with the setting that chose the URL (the URL itself is already in
   * the message), so the log line says what to fix. Other errors pass through unchanged.
   */
  explain(error: unknown, ctx: RequestContext): unknown {
    if (!(error instanceof UpstreamError)) return error;
    return new UpstreamError(`${error.message} ${this.describeSource(ctx)}`, {
      cause: error.cause,
    });
  }

  private describeSource(ctx: RequestContext): string {
    if (this.source === "override") {
      return "The URL is OXAIGEN_AUTH_PROXY_URL_OVERRIDE: fix it or start the proxy there.";
    }
    if (this.source === "dev") {
      return `The URL is the dev proxy OXAIGEN_AUTH_DEV_PROXY_URL=${this.fixedUrl} (OXAIGEN_AUTH_DEV_MODE is on): start the mock server there, or point OXAIGEN_AUTH_DEV_PROXY_URL at it.`;
    }
    const header =
      this.trustForwardedHost && ctx.header("x-forwarded-host") !== undefined
        ? "X-Forwarded-Host"
        : "Host";
    return `The URL was derived from the request's ${header} header with OXAIGEN_AUTH_PROXY_SCHEME=${this.scheme}: for the local mock server set OXAIGEN_AUTH_DEV_MODE=1 (a TLS error such as ERR_SSL_WRONG_VERSION_NUMBER means an https call reached a plain-HTTP server), else set OXAIGEN_AUTH_PROXY_URL_OVERRIDE to the proxy's URL.`;
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
