import { ConfigurationError } from "../../kernel/errors.js";
import { type ParsedHost, parseHost } from "./parseHost.js";

interface Rule {
  /** Exact hostname, or the suffix (".example.com") of a one-label wildcard. */
  hostname: string;
  wildcard: boolean;
  /** The one port allowed (the scheme's default when the entry names none), or any port. */
  port: number | "any";
}

const DEFAULT_PORTS = { http: 80, https: 443 } as const;

/**
 * `OXAIGEN_AUTH_ALLOWED_HOSTS`: exact names (`app.example.com`, `app.example.com:8443`) and
 * one-label wildcards (`*.example.com` matches `a.example.com`, not `example.com` nor
 * `a.b.example.com`). An entry without a port allows the scheme's default port only (another
 * service on the same host must not vouch for tokens); `host:*` allows any port; `*` allows every
 * host.
 */
export class HostAllowList {
  private readonly rules: Rule[];
  private readonly defaultPort: number;
  readonly allowsAll: boolean;

  constructor(entries: readonly string[], scheme: "http" | "https" = "https") {
    this.allowsAll = entries.includes("*");
    this.defaultPort = DEFAULT_PORTS[scheme];
    this.rules = entries
      .filter((entry) => entry !== "*")
      .map((entry) => parseRule(entry, this.defaultPort));
  }

  /** Whether a parsed request host may vouch for tokens. */
  allows(host: ParsedHost): boolean {
    if (this.allowsAll) return true;
    const port = host.port ?? this.defaultPort;
    for (const rule of this.rules) {
      if (rule.port !== "any" && rule.port !== port) continue;
      if (rule.wildcard) {
        const label = host.hostname.slice(0, -rule.hostname.length);
        if (host.hostname.endsWith(rule.hostname) && label !== "" && !label.includes(".")) {
          return true;
        }
      } else if (rule.hostname === host.hostname) return true;
    }
    return false;
  }
}

function parseRule(entry: string, defaultPort: number): Rule {
  const wildcard = entry.startsWith("*.");
  const anyPort = entry.endsWith(":*");
  const parsed = parseHost(entry.slice(wildcard ? 2 : 0, anyPort ? -2 : undefined));
  const invalid = parsed === null || (wildcard && parsed.hostname.startsWith("["));
  if (invalid || (anyPort && parsed.port !== undefined)) {
    throw new ConfigurationError(
      `OXAIGEN_AUTH_ALLOWED_HOSTS has an invalid entry ${JSON.stringify(entry)}: use host names, host:port, host:* or *.example.com, separated by commas.`,
    );
  }
  return {
    hostname: wildcard ? `.${parsed.hostname}` : parsed.hostname,
    wildcard,
    port: anyPort ? "any" : (parsed.port ?? defaultPort),
  };
}
