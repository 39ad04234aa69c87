interface StoredCookie {
  value: string;
  path: string;
  httpOnly: boolean;
  expiresAt: number;
}

/**
 * The browser's cookie jar for the mock origin, for msw runs: msw keeps only cookies of its own
 * `HttpResponse`, and browser-like `Headers` (happy-dom, jsdom) drop `Set-Cookie`, so the
 * adapter keeps the mock's cookies itself and sends them back like a browser would.
 */
export class CookieJar {
  readonly #cookies = new Map<string, StoredCookie>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /** Apply `Set-Cookie` values (`Max-Age=0` deletes). */
  store(setCookies: readonly string[]): void {
    for (const line of setCookies) {
      const [pair = "", ...attributes] = line.split(";").map((p) => p.trim());
      const eq = pair.indexOf("=");
      if (eq <= 0) continue;
      const name = pair.slice(0, eq);
      const attr = (key: string) =>
        attributes.find((a) => a.toLowerCase().startsWith(`${key.toLowerCase()}=`))?.split("=")[1];
      const maxAge = Number(attr("Max-Age") ?? Number.POSITIVE_INFINITY);
      if (maxAge <= 0) {
        this.#cookies.delete(name);
        continue;
      }
      this.#cookies.set(name, {
        value: pair.slice(eq + 1),
        path: attr("Path") ?? "/",
        httpOnly: attributes.some((a) => a.toLowerCase() === "httponly"),
        expiresAt: this.#now() + maxAge * 1000,
      });
    }
  }

  /** `name=value; …` for a request path (path-matched, unexpired). */
  header(path: string): string {
    const now = this.#now();
    const out: string[] = [];
    for (const [name, c] of this.#cookies) {
      if (c.expiresAt <= now) {
        this.#cookies.delete(name);
        continue;
      }
      const inPath = c.path === "/" || path === c.path || path.startsWith(`${c.path}/`);
      if (inPath) out.push(`${name}=${c.value}`);
    }
    return out.join("; ");
  }

  /** A cookie's value (HttpOnly ones included: tests may look), or undefined. */
  get(name: string): string | undefined {
    const c = this.#cookies.get(name);
    return c && c.expiresAt > this.#now() ? c.value : undefined;
  }

  /** Forget every cookie. */
  clear(): void {
    this.#cookies.clear();
  }
}
