import type {
  createLocalJWKSet,
  FlattenedJWSInput,
  JSONWebKeySet,
  JWK,
  JWSHeaderParameters,
} from "jose";
import { loadJose } from "../../jose/loadJose.js";
import { invalidToken, upstreamError } from "../../kernel/errors.js";
import { type FetchJsonOptions, fetchJson } from "./fetchJson.js";

/**
 * Timing of the key cache; all in milliseconds.
 *
 * @example
 * const jwks: Partial<KeySetTiming> = { cooldownMs: 30_000, maxStaleMs: 3_600_000 };
 * createJwtValidator({ issuer, audience, jwks });
 */
export interface KeySetTiming {
  /** Minimum time between two refetches caused by a `kid` the cached set does not know. */
  cooldownMs: number;
  /** After this age the set is refreshed in the background while the cached keys keep serving. */
  maxAgeMs: number;
  /** After this age (provider unreachable all along) the cached keys stop being trusted. */
  maxStaleMs: number;
}

export interface RemoteKeySetOptions extends KeySetTiming {
  /** Where the JWKS lives; called lazily (discovery) and only until it first succeeds. */
  resolveUrl: () => Promise<string>;
  /** How the set is fetched (transport, timeout, size cap). */
  fetch: FetchJsonOptions;
  now?: () => number;
  /** Told about background refresh failures (the request itself is served from cache). */
  onBackgroundError?: (error: unknown) => void;
}

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;
type KeyResult = Awaited<ReturnType<LocalKeySet>>;

/** A failed fetch blocks the next attempt this long, so a down provider is not hammered. */
const FAILURE_BACKOFF_MS = 5_000;

/**
 * The provider's signing keys, fetched once and shared by all concurrent requests.
 *
 * Unknown `kid`s cause at most one refetch per cooldown (a flood of garbage kids costs the
 * provider one request), old sets are refreshed in the background and keep working for
 * `maxStaleMs` while the provider is down, and encryption keys (`use: "enc"`) are dropped.
 */
export class RemoteKeySet {
  readonly #options: RemoteKeySetOptions;
  readonly #now: () => number;
  #keys: LocalKeySet | undefined;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #attemptAt = Number.NEGATIVE_INFINITY;
  #lastAttemptFailed = false;
  /** Why the last fetch failed: kept so errors thrown during the back-off still say why. */
  #lastError: unknown;
  #inflight: Promise<void> | undefined;
  /** A failure of {@link warm} that no request has been told yet. */
  #untold: unknown;
  #url: string | undefined;
  /**
   * The keys the current set resolved, by the header fields that decided the choice (`alg`,
   * `kid`): a miss then skips jose's selection and its promise hops. Emptied with each new set;
   * only successful resolutions are kept, so it holds at most keys × algorithms entries.
   */
  #resolved = new Map<string, KeyResult>();

  constructor(options: RemoteKeySetOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /**
   * Starts fetching the set if none is cached yet, so that a first request fetches the keys while
   * jose loads. Never rejects: the first request that needs the keys gets the failure as it was
   * (not the back-off's "retrying soon"), through {@link getKey}.
   */
  warm(): Promise<void> {
    if (this.#keys !== undefined || (!this.#inflight && !this.#mayAttempt(FAILURE_BACKOFF_MS))) {
      return Promise.resolve();
    }
    return this.#refresh().catch((error: unknown) => {
      this.#untold = error;
    });
  }

  /** jose key resolver: the key for this token's header, refetching the set when warranted. */
  getKey = (
    header: JWSHeaderParameters,
    token: FlattenedJWSInput,
  ): KeyResult | Promise<KeyResult> => {
    const keys = this.#freshKeys();
    const id = keys === undefined ? undefined : resolvedKeyId(header, token);
    const known = id === undefined ? undefined : this.#resolved.get(id);
    return known ?? this.#resolveKey(header, token, keys, id);
  };

  async #resolveKey(
    header: JWSHeaderParameters,
    token: FlattenedJWSInput,
    fresh: LocalKeySet | undefined,
    id: string | undefined,
  ): Promise<KeyResult> {
    // Fresh keys (the common case) are used without awaiting the refresh logic.
    const keys = fresh ?? (await this.#currentKeys());
    try {
      const key = await keys(header, token);
      if (id !== undefined && keys === this.#keys) this.#resolved.set(id, key);
      return key;
    } catch (error) {
      const { errors } = await loadJose();
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
    }
    return this.#retryUnknownKid(header, token);
  }

  /**
   * The cached set while it is fresh (younger than `maxAgeMs`), else undefined: a key that
   * {@link getKey} resolved may be used again, without asking, while this returns the same set.
   */
  freshSet(): object | undefined {
    return this.#freshKeys();
  }

  /** The cached set while it is younger than `maxAgeMs`, else undefined. */
  #freshKeys(): LocalKeySet | undefined {
    return this.#keys !== undefined && this.#now() - this.#fetchedAt < this.#options.maxAgeMs
      ? this.#keys
      : undefined;
  }

  async #currentKeys(): Promise<LocalKeySet> {
    const age = this.#now() - this.#fetchedAt;
    if (this.#keys && age < this.#options.maxAgeMs) return this.#keys;
    if (this.#keys && age < this.#options.maxStaleMs) {
      if (this.#mayAttempt(FAILURE_BACKOFF_MS)) {
        this.#refresh().catch((error: unknown) => this.#options.onBackgroundError?.(error));
      }
      return this.#keys;
    }
    // No keys, or keys too old to trust: the request waits for a fresh set.
    if (!this.#inflight && !this.#mayAttempt(FAILURE_BACKOFF_MS)) {
      const untold = this.#untold;
      this.#untold = undefined;
      throw untold ?? this.#backoffError("are unavailable; retrying soon");
    }
    await this.#refresh();
    if (!this.#keys) throw upstreamError("The identity provider's signing keys are unavailable.");
    return this.#keys;
  }

  async #retryUnknownKid(header: JWSHeaderParameters, token: FlattenedJWSInput) {
    if (!this.#inflight && !this.#mayAttempt(this.#options.cooldownMs)) {
      if (this.#lastAttemptFailed) {
        throw this.#backoffError("could not be refreshed");
      }
      throw invalidToken("no signing key matches the token's kid and alg");
    }
    await this.#refresh();
    const { errors } = await loadJose();
    try {
      return await this.#keys!(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) {
        throw invalidToken("no signing key matches the token's kid and alg", error);
      }
      throw error;
    }
  }

  #mayAttempt(intervalMs: number): boolean {
    const sinceLast = this.#now() - this.#attemptAt;
    return (
      sinceLast >= (this.#lastAttemptFailed ? Math.min(intervalMs, FAILURE_BACKOFF_MS) : intervalMs)
    );
  }

  /** Single flight: concurrent callers share one fetch. */
  #refresh(): Promise<void> {
    this.#inflight ??= this.#fetch().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  async #fetch(): Promise<void> {
    this.#attemptAt = this.#now();
    try {
      this.#url ??= await this.#options.resolveUrl();
      const body = await fetchJson(this.#url, "JSON Web Key Set", this.#options.fetch);
      const { createLocalJWKSet } = await loadJose();
      this.#keys = createLocalJWKSet(toSigningKeySet(body, this.#url));
      this.#resolved = new Map();
      this.#fetchedAt = this.#now();
      this.#lastAttemptFailed = false;
      this.#lastError = undefined;
      this.#untold = undefined;
    } catch (error) {
      this.#lastAttemptFailed = true;
      this.#lastError = error;
      throw error;
    }
  }

  #backoffError(what: string) {
    const last =
      this.#lastError instanceof Error ? ` Last failure: ${this.#lastError.message}` : "";
    return upstreamError(`The identity provider's signing keys ${what}.${last}`, this.#lastError);
  }
}

/**
 * What jose's selection in a compact JWS depends on (`alg`, and `kid` when present), or undefined
 * when the choice is not cacheable (no string `alg`, a non-string `kid`, an unprotected header).
 */
function resolvedKeyId(header: JWSHeaderParameters, token: FlattenedJWSInput): string | undefined {
  const { alg, kid } = header;
  if (typeof alg !== "string" || token?.header !== undefined) return undefined;
  if (kid === undefined) return alg;
  return typeof kid === "string" ? `${alg}\n${kid}` : undefined;
}

function toSigningKeySet(body: Record<string, unknown>, url: string): JSONWebKeySet {
  if (!Array.isArray(body.keys)) {
    throw upstreamError(`The JSON Web Key Set at ${url} has no "keys" array.`);
  }
  const keys = body.keys.filter(
    (key): key is JWK =>
      key !== null &&
      typeof key === "object" &&
      !Array.isArray(key) &&
      typeof (key as JWK).kty === "string" &&
      ((key as JWK).use === undefined || (key as JWK).use === "sig") &&
      // Private members must never be in a public set; such a key is refused, not used.
      (key as JWK).d === undefined,
  );
  return { keys };
}
