import { ConfigurationError } from "../../kernel/errors.js";
import { type ParsedHost, parseHost } from "./parseHost.js";

interface Rule {
  /** Exact hostname, or the suffix (".example.com") of a one-label wildcard. */
  hostname: string;
  wildcard: boolean;
  port: number | undefined;
}

/**
 * `OXAIGEN_AUTH_ALLOWED_HOSTS`: exact names (`app.example.com`, `app.example.com:8443`) and
 * one-label wildcards (`*.example.com` matches `a.example.com`, not `example.com` nor
 * `a.b.example.com`). An entry without a port allows any port; `*` allows every host.
 */
export class HostAllowList {
  private readonly rules: Rule[];
  readonly allowsAll: boolean;

  constructor(entries: readonly string[]) {
    this.allowsAll = entries.includes("*");
    this.rules = entries.filter((entry) => entry !== "*").map(parseRule);
  }

  /** Whether a parsed request host may vouch for tokens. */
  allows(host: ParsedHost): boolean {
    if (this.allowsAll) return true;
    for (const rule of this.rules) {
      if (rule.port !== undefined && rule.port !== host.port) continue;
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

function parseRule(entry: string): Rule {
  const wildcard = entry.startsWith("*.");
  const parsed = parseHost(wildcard ? entry.slice(2) : entry);
  if (parsed === null || (wildcard && parsed.hostname.startsWith("["))) {
    throw new ConfigurationError(
      `OXAIGEN_AUTH_ALLOWED_HOSTS has an invalid entry ${JSON.stringify(entry)}: use host names, host:port or *.example.com, separated by commas.`,
    );
  }
  return {
    hostname: wildcard ? `.${parsed.hostname}` : parsed.hostname,
    wildcard,
    port: parsed.port,
  };
}
