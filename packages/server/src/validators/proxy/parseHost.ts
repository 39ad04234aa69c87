/** A validated `host[:port]` value, lower-cased. */
export interface ParsedHost {
  hostname: string;
  port: number | undefined;
  /** `hostname[:port]` as it goes into the derived proxy URL. */
  host: string;
}

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const IPV6 = /^[0-9a-f:.]{2,45}$/;
const PORT = /^[0-9]{1,5}$/;

function parsePort(raw: string): number | undefined | null {
  if (!PORT.test(raw)) return null;
  const port = Number(raw);
  return port >= 1 && port <= 65_535 ? port : null;
}

function isHostname(hostname: string): boolean {
  if (hostname.length === 0 || hostname.length > 253) return false;
  for (const label of hostname.split(".")) {
    if (!LABEL.test(label)) return false;
  }
  return true;
}

/**
 * Parses a Host / X-Forwarded-Host value. Returns null for anything that is not a plain
 * `hostname[:port]` or `[ipv6][:port]`: userinfo, paths, queries, lists, whitespace, CR/LF,
 * empty labels and out-of-range ports are all refused, because the result becomes a URL we call.
 */
export function parseHost(value: string): ParsedHost | null {
  if (value.length === 0 || value.length > 261) return null;
  const lower = value.toLowerCase();
  let hostname: string;
  let rest: string;
  if (lower.startsWith("[")) {
    const close = lower.indexOf("]");
    if (close === -1) return null;
    const inner = lower.slice(1, close);
    // The charset check is a cheap pre-filter; the URL parser rejects `[:::]` or nine groups,
    // which would otherwise become a URL that fails at call time (a 502 instead of this 400).
    if (!IPV6.test(inner) || !isIPv6(inner)) return null;
    hostname = lower.slice(0, close + 1);
    rest = lower.slice(close + 1);
    if (rest !== "" && !rest.startsWith(":")) return null;
  } else {
    const colon = lower.indexOf(":");
    hostname = colon === -1 ? lower : lower.slice(0, colon);
    rest = colon === -1 ? "" : lower.slice(colon);
    if (!isHostname(hostname)) return null;
  }
  let port: number | undefined;
  if (rest !== "") {
    const parsed = parsePort(rest.slice(1));
    if (parsed === null || parsed === undefined) return null;
    port = parsed;
  }
  return { hostname, port, host: port === undefined ? hostname : `${hostname}:${port}` };
}

/** A valid IPv6 literal (what `node:net` isIPv6 says), by the WHATWG URL parser: any runtime. */
function isIPv6(address: string): boolean {
  if (address.includes("%")) return false;
  try {
    new URL(`http://[${address}]/`);
    return true;
  } catch {
    return false;
  }
}
