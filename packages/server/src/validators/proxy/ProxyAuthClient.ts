import { userFromWire, withClaims } from "@org/auth-user";
import { createTransport } from "#platform";
import { InvalidTokenError, UpstreamError } from "../../kernel/errors.js";
import { type HttpTransport, TooLarge } from "../../kernel/HttpTransport.js";
import { assertPermissionName } from "../../kernel/permissionName.js";
import { NO_TELEMETRY, type Telemetry, type UpstreamCall } from "../../kernel/Telemetry.js";
import type { User } from "../../kernel/user.js";

/**
 * An undici `Dispatcher` (`Agent`, `Pool`, `ProxyAgent`, `MockAgent`…), typed by its shape so
 * that the package's types need no undici (an optional peer dependency).
 *
 * @example
 * import { Agent } from "undici";
 * const dispatcher: UndiciDispatcher = new Agent({ connections: 16 });
 * const proxyClient = new ProxyAuthClient({ dispatcher });
 */
export interface UndiciDispatcher {
  /** Sends one request (undici calls it; the SDK never does directly). */
  dispatch(options: never, handler: never): boolean;
  /** Closes the dispatcher's connections. */
  close(): Promise<void>;
}

/**
 * Options of {@link ProxyAuthClient}.
 *
 * @example
 * const proxyClient = new ProxyAuthClient({ timeoutSeconds: 2, maxResponseBytes: 65_536 });
 * const auth = createAuth({ proxyClient });
 */
export interface ProxyAuthClientOptions {
  /** Whole-request deadline in seconds (connect + headers + body). Default 5. */
  timeoutSeconds?: number;
  /**
   * An undici dispatcher to use instead of the client's own keep-alive Agent (tests, proxies).
   * Node only, with undici installed: elsewhere the client uses the runtime's `fetch`, and this
   * option throws.
   */
  dispatcher?: UndiciDispatcher;
  /** Largest accepted response body. Default 1 MiB. */
  maxResponseBytes?: number;
}

/** The proxy endpoint that returns the current user. */
export const GET_ME_PATH = "/_oxa_auth/get-me";
/** The proxy endpoint that checks one app permission (`{name}` appended). */
export const TEST_PERMISSION_PATH = "/_oxa_auth/test-app-permission/";

/** The called URL is named (never the token); the validator adds which setting chose it. */
function upstream(call: string, detail: string, cause?: unknown): UpstreamError {
  return new UpstreamError(
    `The auth proxy call ${call} failed: ${detail}; check that the proxy is running and reachable at that URL.`,
    { cause },
  );
}

/** `application/json` or a `+json` type, parameters (charset) ignored. */
function isJsonType(contentType: string | undefined): boolean {
  const type = contentType?.split(";", 1)[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/**
 * Low-level client for the Oxaigen auth proxy (`/_oxa_auth/*`): on Node, `node:http`'s keep-alive
 * agent, then undici's pool when the app has undici installed; the runtime's `fetch` on Bun,
 * Deno, workerd and edge runtimes.
 * Maps the wire contract: 200 → result, 401 → {@link InvalidTokenError}, 403 → denied (permission
 * check only), anything else, a timeout or a bad body → {@link UpstreamError}. A get-me answer is a
 * user only when it is a JSON object (`application/json`) with a non-empty string `id`: any other
 * service that answers 200 JSON is an upstream error, never a user. Uncached.
 *
 * @example
 * const client = new ProxyAuthClient({ timeoutSeconds: 2 });
 * const user = await client.getMe("https://app.example.com", token);
 * await client.close();
 */
export class ProxyAuthClient {
  private readonly transport: HttpTransport;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private telemetry: Telemetry = NO_TELEMETRY;

  constructor(options: ProxyAuthClientOptions = {}) {
    this.timeoutMs = Math.max(1, Math.round((options.timeoutSeconds ?? 5) * 1000));
    this.maxResponseBytes = options.maxResponseBytes ?? 1024 * 1024;
    this.transport = createTransport({ timeoutMs: this.timeoutMs, dispatcher: options.dispatcher });
  }

  /**
   * Calls `GET {baseUrl}/_oxa_auth/get-me` and returns the user; `is_authenticated: false` and
   * `enabled: false` are invalid tokens.
   *
   * @example
   * const user = await client.getMe("http://127.0.0.1:8765", "mock-dev-token");
   */
  getMe(baseUrl: string, token: string): Promise<User> {
    const url = baseUrl + GET_ME_PATH;
    return this.telemetry.upstream("get_me", { method: "GET", url }, (call) =>
      this.readMe(url, token, call),
    );
  }

  /** @internal Reports this client's calls (the validator passes the instance's telemetry). */
  useTelemetry(telemetry: Telemetry): void {
    this.telemetry = telemetry;
  }

  private async readMe(url: string, token: string, report: UpstreamCall): Promise<User> {
    const what = `GET ${url}`;
    const { status, body, type } = await this.call("GET", url, token, what, true, report);
    if (status === 401) throw new InvalidTokenError();
    if (status !== 200) throw upstream(what, `HTTP ${status}`);
    if (!isJsonType(type)) {
      throw upstream(what, `the answer is ${type ?? "untyped"}, not application/json`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      throw upstream(what, "the body is not JSON", error);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw upstream(what, "the body is not a JSON object");
    }
    const user = userFromWire(parsed as Record<string, unknown>);
    if (!user.isAuthenticated || user.enabled === false) throw new InvalidTokenError();
    if (user.id === null || user.id === "") {
      throw upstream(what, "the body has no user id (not an auth proxy's get-me answer?)");
    }
    // A key-bound token's `cnf` (DPoP): the SDK then requires the proof, as for a JWT's.
    const cnf = (parsed as { cnf?: unknown }).cnf;
    return cnf === undefined ? user : withClaims(user, { ...user.claims, cnf });
  }

  /**
   * Calls `POST {baseUrl}/_oxa_auth/test-app-permission/{name}` with the name percent-encoded as
   * one path segment: true when granted (200), false when denied (403). A name that is not a
   * permission name (`isPermissionName`) throws a ConfigurationError before any call, and the
   * encoding keeps `/`, `?` and `#` inside the segment, so a name cannot walk the upstream path.
   *
   * @example
   * if (!(await client.testPermission(baseUrl, token, "audit"))) throw new Error("denied");
   */
  async testPermission(baseUrl: string, token: string, name: string): Promise<boolean> {
    assertPermissionName(name);
    const url = baseUrl + TEST_PERMISSION_PATH + encodeURIComponent(name);
    const what = `POST ${url}`;
    return this.telemetry.upstream("permission", { method: "POST", url }, async (report) => {
      const { status } = await this.call("POST", url, token, what, false, report);
      if (status === 200) return true;
      if (status === 403) return false;
      if (status === 401) throw new InvalidTokenError();
      throw upstream(what, `HTTP ${status}`);
    });
  }

  /**
   * Closes the keep-alive pool (when the client created it).
   *
   * @example
   * process.on("SIGTERM", () => client.close());
   */
  async close(): Promise<void> {
    await this.transport.close();
  }

  private async call(
    method: "GET" | "POST",
    url: string,
    token: string,
    what: string,
    readBody: boolean,
    report: UpstreamCall,
  ): Promise<{ status: number; body: string; type?: string }> {
    await this.transport.ready().catch((error: unknown) => {
      throw upstream(what, "the HTTP client could not load", error);
    });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await this.transport.send(
        method,
        url,
        { authorization: `Bearer ${token}`, accept: "application/json" },
        controller.signal,
      );
      report.status(response.status);
      if (!readBody || response.status !== 200) {
        await response.discard();
        return { status: response.status, body: "" };
      }
      return {
        status: 200,
        body: await response.text(this.maxResponseBytes),
        type: response.contentType,
      };
    } catch (error) {
      if (error instanceof TooLarge) {
        throw upstream(what, `the body exceeds ${this.maxResponseBytes} bytes`);
      }
      if (controller.signal.aborted) report.timedOut();
      const detail = controller.signal.aborted
        ? `no answer within ${this.timeoutMs} ms`
        : (errorCode(error) ?? "request failed");
      throw upstream(what, detail, error);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The system error code (ECONNREFUSED…): undici puts it on the error, `fetch` on its cause. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 3 && typeof current === "object" && current !== null; depth++) {
    const { code, cause, errors } = current as {
      code?: unknown;
      cause?: unknown;
      errors?: unknown;
    };
    if (typeof code === "string") return code;
    current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return undefined;
}
