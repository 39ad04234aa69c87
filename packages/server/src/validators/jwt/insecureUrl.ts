/** A URL-normalised IPv4 host: four decimal parts (the parser has already checked each ≤ 255). */
const DOTTED_IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Loopback hosts stay open over plain HTTP: local providers in development use them. */
export function isLoopbackHost(hostname: string): boolean {
  // URL has normalised the host: IPv4 in dotted form (127.1 → 127.0.0.1), IPv6 compressed.
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  if (DOTTED_IPV4.test(hostname)) return hostname.startsWith("127.");
  return hostname === "[::1]";
}

/** A plain-HTTP URL to a host other than loopback: anyone on the path can read or alter it. */
export function isPlainHttpRemote(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === "http:" && !isLoopbackHost(hostname);
}

/** An https issuer whose keys would come over plain HTTP from a non-loopback host. */
export function isKeyDowngrade(issuer: string, jwksUrl: string): boolean {
  return new URL(issuer).protocol === "https:" && isPlainHttpRemote(jwksUrl);
}
