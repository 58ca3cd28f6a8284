import { AppError } from '../errors.js';

/**
 * Token buckets, in memory, per process (per Site). Each web process limits on its own, so N processes
 * behind a balancer allow up to N times the rate; a shared store would be needed to be exact, and these
 * limits exist to stop floods, not to count precisely. Votes stay one per visitor regardless: that is a
 * database constraint, not a limit.
 */

export interface BucketSpec {
  /** Burst size: this many requests at once. */
  capacity: number;
  /** Then this many per `perMs`. */
  refill: number;
  perMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_LIMITS = {
  voteVisitor: { capacity: 30, refill: 30, perMs: MINUTE },
  voteIp: { capacity: 120, refill: 120, perMs: MINUTE },
  bookmarkVisitor: { capacity: 60, refill: 60, perMs: MINUTE },
  bookmarkIp: { capacity: 240, refill: 240, perMs: MINUTE },
  /** New anonymous identities per address: dropping the cookie must not mint unlimited voters. */
  newVisitorIp: { capacity: 30, refill: 30, perMs: 10 * MINUTE },
  submitVisitor: { capacity: 5, refill: 5, perMs: HOUR },
  submitIp: { capacity: 20, refill: 20, perMs: HOUR },
  reportVisitor: { capacity: 5, refill: 5, perMs: HOUR },
  reportIp: { capacity: 20, refill: 20, perMs: HOUR },
  signinEmail: { capacity: 3, refill: 3, perMs: 15 * MINUTE },
  signinIp: { capacity: 10, refill: 10, perMs: 15 * MINUTE },
  adminLoginIp: { capacity: 10, refill: 10, perMs: 15 * MINUTE },
} satisfies Record<string, BucketSpec>;

export type LimitName = keyof typeof DEFAULT_LIMITS;

export class RateLimitError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', message, 429);
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  readonly specs: Record<LimitName, BucketSpec>;

  constructor(overrides: Partial<Record<LimitName, BucketSpec>> = {}, private readonly now = () => Date.now()) {
    this.specs = { ...DEFAULT_LIMITS, ...overrides };
  }

  private level(name: LimitName, key: string, t: number): Bucket {
    const spec = this.specs[name];
    const id = `${name}\u0000${key}`;
    let b = this.buckets.get(id);
    if (!b) {
      b = { tokens: spec.capacity, at: t };
      if (this.buckets.size > 50_000) this.prune(t);
      this.buckets.set(id, b);
    } else {
      b.tokens = Math.min(spec.capacity, b.tokens + ((t - b.at) * spec.refill) / spec.perMs);
      b.at = t;
    }
    return b;
  }

  /**
   * Takes one token from every named bucket, or from none: a request refused by one limit does not use up
   * the others. Throws RateLimitError (429) with the wait until every bucket has a token again.
   */
  take(checks: readonly [LimitName, string][], message = 'Too many requests. Please wait a moment and try again.'): void {
    const t = this.now();
    const buckets = checks.map(([name, key]) => [name, this.level(name, key, t)] as const);
    let wait = 0;
    for (const [name, b] of buckets) {
      if (b.tokens < 1) {
        const spec = this.specs[name];
        wait = Math.max(wait, ((1 - b.tokens) * spec.perMs) / spec.refill);
      }
    }
    if (wait > 0) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      throw new RateLimitError(`${message} Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, seconds);
    }
    for (const [, b] of buckets) b.tokens -= 1;
  }

  /** Forgets full buckets (they behave exactly like absent ones), keeping memory bounded. */
  private prune(t: number) {
    for (const [id, b] of this.buckets) {
      const spec = this.specs[id.slice(0, id.indexOf('\u0000')) as LimitName];
      if (!spec || b.tokens + ((t - b.at) * spec.refill) / spec.perMs >= spec.capacity) this.buckets.delete(id);
    }
  }

  reset(): void {
    this.buckets.clear();
  }
}

const limiters = new WeakMap<object, RateLimiter>();

/** The limiter of one Site (one per process in production; one per test site in tests). */
export function limiterFor(site: object): RateLimiter {
  let l = limiters.get(site);
  if (!l) limiters.set(site, (l = new RateLimiter()));
  return l;
}

/** Replaces a site's limiter, e.g. with tighter or looser limits in tests. */
export function setLimiter(site: object, limiter: RateLimiter): void {
  limiters.set(site, limiter);
}
