import { badArgument } from "./internal";

/**
 * The origin allow-list: `check(url)` answers the absolute URL that was checked (resolved against
 * the document's base URL, as `fetch` and `new WebSocket` resolve it) when its origin may receive
 * the token, else null. A bad entry throws on first use, loudly.
 */
export function originAllowList(
  entries: () => readonly string[],
): (url: string | URL) => string | null {
  let allowed: Set<string> | undefined;
  return (url) => {
    allowed ??= new Set(
      entries().map((o) => {
        let origin = "";
        try {
          origin = new URL(o).origin;
        } catch {}
        if (!/^https?:\/\//.test(origin)) {
          throw badArgument(
            `apiOrigins: use http(s) origins like "https://api.example.com"; got "${o}".`,
          );
        }
        return origin;
      }),
    );
    try {
      const u = new URL(url, document.baseURI);
      const href = u.href;
      u.protocol = u.protocol.replace(/^ws/, "http");
      return allowed.has(u.origin) ? href : null;
    } catch {
      return null;
    }
  };
}
