import type { WireUser } from "@org/auth-user";
import type { Dpop } from "../dpop/createDpop";
import { AuthClientError, type AuthClientErrorCode, StepUpRequiredError } from "./AuthClientError";
import type { AuthClientOptions } from "./AuthClientOptions";
import { readAccessCookie } from "./accessCookie";
import { authApiUrl, confirmToken, post, readTokens, type Tokens } from "./authApi";
import { createAuthFetch } from "./createAuthFetch";
import { badArgument, isBrowser, isRecord, popupUnfit, REDIRECT_KEY } from "./internal";
import type { LoginOptions } from "./loginOptions";
import { originAllowList } from "./originAllowList";
import { readSessionMessage, SESSION_CHANNEL } from "./sessionChannel";
import type { Exchange } from "./signIn";
import { withLock } from "./withLock";

/**
 * Where the session stands: `error` means it could not be determined (e.g. the auth API is down).
 *
 * @example
 * const LABELS: Record<AuthStatus, string> = {
 *   loading: "Checking your session…",
 *   authenticated: "Signed in",
 *   anonymous: "Signed out",
 *   error: "The sign-in service is unreachable",
 * };
 * const { status } = useAuth();
 * return <span>{LABELS[status]}</span>;
 */
export type AuthStatus = "loading" | "authenticated" | "anonymous" | "error";

/**
 * An immutable snapshot of the client's state.
 *
 * @example
 * const client = new AuthClient();
 * client.subscribe(() => {
 *   const state: AuthState = client.getSnapshot();
 *   if (state.status === "error") console.warn(state.error?.code);
 * });
 */
export interface AuthState {
  readonly status: AuthStatus;
  /** The in-memory access token, or null. */
  readonly token: string | null;
  /** When `token` expires (epoch ms). */
  readonly expiresAt: number | null;
  /** Changes on every sign-in and sign-out (not on refresh): part of every query key. */
  readonly session: number;
  /** The last login or refresh error. */
  readonly error: AuthClientError | null;
}

/**
 * The user as `/_oxa_auth/get-me` returns it (snake_case wire fields, all optional): what
 * `client.getUser()` resolves with. `useUser()` and `useAuth()` map it to a {@link User}.
 *
 * @example
 * const raw: AuthUser | null = await client.getUser();
 * const plan = raw?.billing_plan; // a field the SDK does not know (also in `user.extra`)
 */
export type AuthUser = WireUser;

/** The state before the session is known (and always on the server). */
export const LOADING: AuthState = {
  status: "loading",
  token: null,
  expiresAt: null,
  session: 0,
  error: null,
};

const LOCK = "oxa-auth-refresh";
const RETRY_MS = 15_000;
const MAX_DELAY = 2 ** 31 - 1;
// An OAuth scope-token of at most 128 characters (docs/contracts.md), but not a dot segment.
const PERMISSION = /^(?!\.\.?$)[!#-[\]-~]{1,128}$/;

const error = (code: AuthClientErrorCode, message: string) => new AuthClientError(code, message);

/** The sign-in code (popup and redirect), a chunk loaded only to sign in or finish a redirect. */
const signInCode = () =>
  import("./signIn").then(
    (code) => {
      code.setSignInParts([
        AuthClientError,
        isRecord,
        REDIRECT_KEY,
        post,
        readTokens,
        StepUpRequiredError,
      ]);
      return code;
    },
    () => {
      throw error(
        "request_failed",
        "The sign-in code did not load; check the network, then retry.",
      );
    },
  );

/**
 * A redirect sign-in's return (URL fragment and the entry stored at its start), taken out of the
 * URL and sessionStorage by the first client constructed on the page, finished by the first one
 * started: once per page load, whatever StrictMode mounts twice.
 */
let returned: [hash: string, saved: string | null] | undefined;

/**
 * Framework-free session manager: popup or redirect login, in-memory token, refresh before expiry
 * (one in flight per tab, Web Locks across tabs), cross-tab sign-in/sign-out. Construct it as the
 * page loads: it then takes a redirect sign-in's one-time parameters out of the URL (`start()`
 * finishes that sign-in). Safe to construct on the server: there it touches no browser API.
 *
 * @example
 * const client = new AuthClient({ authApiBaseUrl: "http://127.0.0.1:8765" });
 * const stop = client.start();
 * button.onclick = () => client.login();
 * const res = await client.fetch("/api/things");
 */
export class AuthClient {
  #state = LOADING;
  readonly #listeners = new Set<() => void>();
  #refreshAt = 0;
  /** When our token (or sign-out) was obtained: older broadcasts arriving late are ignored. */
  #since = 0;
  #starts = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #channel: BroadcastChannel | undefined;
  #restoring: Promise<unknown> | undefined;
  #pendingLogin: Promise<void> | undefined;
  #pendingRefresh: Promise<string | null> | undefined;
  readonly #checkUrl = originAllowList(() => [this.#base, ...(this.#options.apiOrigins ?? [])]);

  /**
   * The client's DPoP side (proofs, the key) when the `dpop` option is set, else null. Its code is
   * a chunk of its own, loaded on the first call: apps without DPoP never load it.
   *
   * @example
   * const proof = await (await client.dpop())?.proof("GET", socketUrl, token);
   */
  readonly dpop = async (): Promise<Dpop | null> =>
    this.#options.dpop ? (await import("../dpop/createDpop")).createDpop(this.allowedUrl) : null;

  /** `fetch` of every request the client makes: through the DPoP side when `dpop` is set. */
  readonly #send: typeof fetch = (input, init) =>
    this.dpop().then((dpop) => (dpop ? dpop.fetch(input, init) : fetch(input, init)));

  /** `fetch` with the token for allowed origins and one refresh-and-retry on 401. */
  readonly fetch: typeof fetch = createAuthFetch(this, this.#send);

  readonly #options: AuthClientOptions;

  constructor(options: AuthClientOptions = {}) {
    this.#options = options;
    if (isBrowser() && /[#&]oxa_auth_/.test(location.hash)) {
      // Before the app renders anything that could log or share the one-time code; replaceState
      // leaves no history entry with it, and only URLs of this origin.
      returned = [location.hash, sessionStorage.getItem(REDIRECT_KEY)];
      sessionStorage.removeItem(REDIRECT_KEY);
      history.replaceState(history.state, "", location.pathname + location.search);
      try {
        history.replaceState(history.state, "", JSON.parse(returned[1]!).returnTo);
      } catch {}
    }
  }

  /** Subscribes to state changes; returns the unsubscribe function. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** The current state (a new object after every change). */
  readonly getSnapshot = (): AuthState => this.#state;

  /**
   * Starts cross-tab sync and refresh timers and restores an existing session (once per client).
   * Returns `stop`; calls are counted, so StrictMode's start/stop/start is harmless.
   */
  readonly start = (): (() => void) => {
    if (this.#starts++ === 0 && typeof BroadcastChannel === "function") {
      this.#channel = new BroadcastChannel(SESSION_CHANNEL);
      this.#channel.onmessage = (e) => this.#onBroadcast(e.data);
    }
    this.#schedule();
    this.#restoring ??= this.#restore();
    return () => {
      if (--this.#starts === 0) {
        this.#channel?.close();
        this.#channel = undefined;
        clearTimeout(this.#timer);
      }
    };
  };

  /**
   * Signs in through the popup or a full-page redirect (see {@link LoginOptions}). Call it
   * synchronously from a click handler (it may open a popup); a second call while one runs returns
   * the same promise. Rejects with an {@link AuthClientError}; for a redirect it resolves as the
   * page navigates away, and the next page load finishes the sign-in.
   *
   * @example
   * button.onclick = () => client.login({ mode: "auto", loginHint: "ada@example.com" });
   */
  readonly login = (options: LoginOptions = {}): Promise<void> => {
    this.#pendingLogin ??= this.#runLogin(options).finally(() => {
      this.#pendingLogin = undefined;
    });
    return this.#pendingLogin;
  };

  /**
   * @internal `fetch` hands it every 401: the sign-in code (loaded then) reads the step-up
   * challenge, if any, and answers it.
   */
  readonly onStepUp = (
    res: Response,
    resend: (token: string | null) => Response | Promise<Response>,
  ) => signInCode().then((code) => code.answerStepUp(res, resend, this.#options, this));

  /** Signs out here and in the other tabs, then revokes the refresh token. */
  readonly logout = async (): Promise<void> => {
    const { token } = this.#state;
    this.#signOut(null, false);
    // The Bearer token lets the auth API revoke the session even when its cookie is blocked. With
    // DPoP the request carries a proof, and the key is deleted once it was sent (createDpop).
    await withLock(LOCK, () => post(this.#send, this.#url("logout"), undefined, token));
  };

  /** Forces a refresh; resolves with the new token, or null when the session is over. */
  readonly refresh = (): Promise<string | null> => this.renewToken(this.#state.token);

  /**
   * For a token a server rejected: resolves with a newer one, refreshing only if nobody (this
   * tab or another) already did; null when the session is over.
   */
  readonly renewToken = (rejected: string | null): Promise<string | null> => {
    this.#pendingRefresh ??= this.#runRefresh(rejected).finally(() => {
      this.#pendingRefresh = undefined;
    });
    return this.#pendingRefresh;
  };

  /** A token that is valid for at least the leeway (refreshing if needed), or null. */
  readonly getAccessToken = async (): Promise<string | null> => {
    if (!isBrowser()) return null;
    await this.#restoring;
    const { token } = this.#state;
    if (!token || Date.now() < this.#refreshAt) return token;
    return this.renewToken(token).catch((e: unknown) => {
      // A failed early refresh must not break calls while the token is still valid.
      const s = this.#state;
      // (`null > now` is false: no expiry, no token.)
      if (s.token && s.expiresAt! > Date.now()) return s.token;
      throw e;
    });
  };

  /** Whether `url` (http(s) or ws(s)) may receive the token. */
  readonly isAllowedUrl = (url: string | URL): boolean => this.allowedUrl(url) !== null;

  /**
   * `url` made absolute against the document's base URL (as `fetch` and `new WebSocket` resolve
   * it) when its origin may receive the token, else null. Connect to this URL, not to `url`.
   */
  readonly allowedUrl = (url: string | URL): string | null =>
    isBrowser() ? this.#checkUrl(url) : null;

  /** `GET /_oxa_auth/get-me`: the user, or null when the token is not (or no longer) valid. */
  readonly getUser = async (): Promise<AuthUser | null> => {
    const res = await this.fetch(this.#url("get-me"));
    if (res.status === 401) return null;
    const user: unknown = res.ok ? await res.json().catch(() => null) : null;
    if (!isRecord(user)) throw error("request_failed", `get-me failed (${res.status}).`);
    return user as AuthUser;
  };

  /** `POST /_oxa_auth/test-app-permission/{name}`: true only on 200. */
  readonly hasPermission = async (name: string): Promise<boolean> => {
    if (!PERMISSION.test(name)) {
      throw badArgument("Permission names look like read:messages.");
    }
    const res = await this.fetch(this.#url(`test-app-permission/${encodeURIComponent(name)}`), {
      method: "POST",
    });
    if (res.ok || res.status === 401 || res.status === 403) return res.ok;
    throw error("request_failed", `test-app-permission failed (${res.status}).`);
  };

  get #base(): string {
    const base = this.#options.authApiBaseUrl ?? location.origin;
    if (!/^https?:\/\//.test(base)) {
      throw badArgument(`authApiBaseUrl must be an http(s) URL; got "${base}".`);
    }
    return base.replace(/\/+$/, "");
  }

  #url(path: string): string {
    return authApiUrl(this.#base, path);
  }

  #set(patch: Partial<AuthState>): void {
    this.#state = { ...this.#state, ...patch };
    for (const listener of this.#listeners) listener();
  }

  #signIn(
    { token, expiresAt }: Tokens,
    newSession: boolean,
    broadcast: boolean,
    at = Date.now(),
  ): void {
    this.#since = at;
    const leeway = this.#options.refreshLeewayMs ?? 60_000;
    this.#refreshAt = expiresAt - Math.min(leeway, (expiresAt - Date.now()) / 2);
    this.#set({
      status: "authenticated",
      token,
      expiresAt,
      error: null,
      session: this.#state.session + (newSession || !this.#state.token ? 1 : 0),
    });
    this.#schedule();
    if (broadcast) this.#channel?.postMessage({ t: "in", at, token, expiresAt, newSession });
  }

  #signOut(err: AuthClientError | null, fromOtherTab: boolean, at = Date.now()): void {
    const wasSignedIn = this.#state.token !== null;
    this.#since = at;
    clearTimeout(this.#timer);
    this.#set({
      status: err ? "error" : "anonymous",
      token: null,
      expiresAt: null,
      error: err,
      session: this.#state.session + 1,
    });
    if (wasSignedIn && !fromOtherTab) this.#channel?.postMessage({ t: "out", at });
  }

  #schedule(delay = this.#refreshAt - Date.now()): void {
    clearTimeout(this.#timer);
    const { status } = this.#state;
    if (this.#starts && (status === "authenticated" || status === "error")) {
      this.#timer = setTimeout(
        () => this.refresh().catch(() => {}),
        Math.min(Math.max(delay, 0), MAX_DELAY),
      );
    }
  }

  /** Another tab's sign-out is taken as is; its token only once the auth API confirmed it. */
  async #onBroadcast(data: unknown): Promise<void> {
    const m = readSessionMessage(data, this.#since);
    if (m?.t === "out" && this.#state.token) this.#signOut(null, true, m.at);
    if (
      m?.t === "in" &&
      (await confirmToken(this.#send, this.#base, m.token)) &&
      m.at >= this.#since
    ) {
      this.#signIn(m, m.newSession === true, false, m.at);
    }
  }

  /** Finishes a redirect sign-in, then restores the session from the cookies if none came of it. */
  async #restore(): Promise<void> {
    const r = returned;
    returned = undefined;
    const failed: unknown =
      r &&
      (await signInCode()
        .then((m) => m.finishRedirect(...r, this.#exchange))
        .catch((e) => e));
    if (!this.#state.token && !(await this.#adoptCookie())) {
      await this.renewToken(null).catch(() => {});
    }
    if (failed instanceof AuthClientError && !this.#state.token) this.#set({ error: failed });
  }

  /**
   * Same-origin only: another tab (or the server) may have put a newer token in the cookie. A
   * sibling subdomain can plant that cookie too, so it is used only once the auth API confirmed it.
   */
  async #adoptCookie(): Promise<boolean> {
    if (this.#base !== location.origin) return false;
    const tokens = readAccessCookie(
      this.#options.accessCookieName ?? "OxaigenPlatformAuthAccessToken",
      this.#options.refreshLeewayMs ?? 60_000,
    );
    if (!tokens || tokens.token === this.#state.token) return false;
    const { session } = this.#state;
    if (
      !(await confirmToken(this.#send, this.#base, tokens.token)) ||
      this.#state.session !== session
    ) {
      return false;
    }
    this.#signIn(tokens, false, false);
    return true;
  }

  async #runLogin(options: LoginOptions): Promise<void> {
    const { mode } = options;
    // Opened now, blank, inside the click's user activation (blockers refuse a later one); the
    // sign-in code, loaded meanwhile, then navigates it. Undefined: the redirect is chosen.
    const popup =
      mode === "redirect" || (mode !== "popup" && popupUnfit())
        ? undefined
        : open("", "oxa-auth-login", "popup,width=500,height=640");
    return signInCode()
      .then((m) => m.signIn(options, popup, this.#url("login"), this.#options, this.#exchange))
      .catch((e: unknown) => {
        popup?.close();
        if (e instanceof AuthClientError) this.#set({ error: e });
        throw e;
      });
  }

  // Called by the sign-in code only, with its exchange of the one-time code: the client adds
  // where (its token-exchange URL) and how (its `send`), then takes the tokens as a new session.
  readonly #exchange: Exchange = async (exchange) => {
    this.#signIn(await exchange(this.#url("token-exchange"), this.#send), true, true);
  };

  #runRefresh(rejected: string | null): Promise<string | null> {
    const { session } = this.#state;
    return withLock(LOCK, async () => {
      // Another tab may have refreshed while we waited for the lock.
      await this.#adoptCookie();
      const current = this.#state;
      if (current.token && current.token !== rejected && Date.now() < this.#refreshAt) {
        return current.token;
      }
      const res = await post(this.#send, this.#url("refresh"));
      // Signed out while the request ran: never resurrect the session.
      if (this.#state.session !== session && !this.#state.token) return null;
      if (res?.status === 401) {
        this.#signOut(null, false);
        return null;
      }
      const tokens = await readTokens(res);
      if (tokens) {
        this.#signIn(tokens, false, true);
        return tokens.token;
      }
      const err = error(
        "refresh_failed",
        `Token refresh failed (${res?.status ?? "network error"}); it is retried automatically.`,
      );
      const expired = !(this.#state.expiresAt! > Date.now());
      this.#set({ error: err, ...(expired && { status: "error", token: null }) });
      this.#schedule(RETRY_MS);
      throw err;
    });
  }
}
