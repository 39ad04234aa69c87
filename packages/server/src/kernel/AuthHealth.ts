/**
 * One part of {@link AuthHealth}: `ok`, `degraded` (serving, with less: a queue, Redis down with
 * fail-open) or `failing` (some requests get a 5xx because of it), and why, in words.
 *
 * @example
 * const check: HealthCheck = { status: "degraded", detail: "Redis is connecting." };
 */
export interface HealthCheck {
  status: "ok" | "degraded" | "failing";
  detail: string;
}

/**
 * What `auth.health()` answers for a readiness probe: `ready` is false when a check is
 * `failing`.
 *
 * @example
 * const { ready, checks } = await auth.health();
 * if (!ready) console.warn(checks.validator.detail);
 */
export interface AuthHealth {
  ready: boolean;
  checks: {
    /** The validator's upstream (the proxy, the JWKS, an adapter): did its last call answer? */
    validator: HealthCheck;
    /** The shared (Redis) level: both connections up, or not configured. */
    redis: HealthCheck;
    /** The upstream limiter: slots free, requests queued, or its queue full (503s). */
    limiter: HealthCheck & LimiterLoad;
  };
}

/** What {@link assessHealth} reads: every figure is this instance's own, no call is made. */
export interface HealthFacts {
  disabled: boolean;
  /** When a validation last got an answer from upstream (a user or a 401), and last failed (5xx). */
  upstream: { answeredAt: number | undefined; failedAt: number | undefined; failure?: string };
  /** undefined: no Redis configured; "connecting": not attached yet. */
  redis: { ready: boolean; subscribed: boolean } | "connecting" | undefined;
  redisFailOpen: boolean;
  /** `saturated`: a lane's queue is full (new validations of that lane get 503). */
  limiter: LimiterLoad;
}

/**
 * The upstream limiter's figures: validations in flight and waiting, its bounds, and whether a
 * queue is full.
 *
 * @example
 * const load: LimiterLoad = { active: 64, queued: 512, maxConcurrent: 64, maxQueue: 512, saturated: true };
 */
export interface LimiterLoad {
  active: number;
  queued: number;
  maxConcurrent: number;
  maxQueue: number;
  saturated: boolean;
}

/**
 * Turns an instance's own figures into its health (pure: no upstream call).
 *
 * @example
 * const health = assessHealth({ disabled: false, upstream: {}, redis: undefined, redisFailOpen: false, limiter });
 */
export function assessHealth(facts: HealthFacts): AuthHealth {
  const checks = {
    validator: validatorCheck(facts),
    redis: redisCheck(facts),
    limiter: { ...limiterCheck(facts.limiter), ...facts.limiter },
  };
  const ready = Object.values(checks).every((check) => check.status !== "failing");
  return { ready, checks };
}

function validatorCheck({ disabled, upstream }: HealthFacts): HealthCheck {
  if (disabled) return { status: "ok", detail: "Auth is disabled (AUTH_PROVIDER=none)." };
  const { answeredAt, failedAt } = upstream;
  if (failedAt !== undefined && (answeredAt === undefined || failedAt > answeredAt)) {
    return {
      status: "failing",
      detail: `The last upstream validation failed (${upstream.failure ?? "upstream_error"}) and none has been answered since.`,
    };
  }
  if (answeredAt === undefined) return { status: "ok", detail: "No upstream validation yet." };
  return { status: "ok", detail: "The last upstream validation was answered." };
}

function redisCheck({ redis, redisFailOpen }: HealthFacts): HealthCheck {
  if (redis === undefined) return { status: "ok", detail: "No Redis configured." };
  if (redis !== "connecting" && redis.ready && redis.subscribed) {
    return { status: "ok", detail: "Both Redis connections are up." };
  }
  const what = redis === "connecting" ? "Redis is connecting" : "Redis is unreachable";
  return redisFailOpen
    ? {
        status: "degraded",
        detail: `${what}; tokens are accepted unchecked (AUTH_REDIS_FAIL_OPEN).`,
      }
    : {
        status: "failing",
        detail: `${what}; tokens this instance has not validated before get 503.`,
      };
}

function limiterCheck(load: HealthFacts["limiter"]): HealthCheck {
  if (load.saturated) {
    return {
      status: "failing",
      detail: "The upstream limiter's queue is full: new tokens get 503.",
    };
  }
  if (load.active >= load.maxConcurrent) {
    return { status: "degraded", detail: "Every upstream slot is busy: validations queue." };
  }
  return { status: "ok", detail: "Upstream slots are free." };
}
