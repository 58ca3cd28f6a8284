// Rate limits per address, visitor or email, kept in the database so that every process shares them (GCRA buckets).
import { AppError } from '../errors.js';
import { executeTx, type Db, type DbOrTx } from '../db/db.js';
import { advanceTats, bucketTat, deleteBuckets, deleteFullBuckets } from './rate-limits.repo.js';

/**
 * Rate limits per client address, visitor or email, stored in the database so that several processes share
 * them (docs/decisions/013). Votes stay one per visitor regardless: that is a database constraint, not a limit.
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

/**
 * Token buckets kept in the database (GCRA: one time per bucket), so every process on one database shares
 * them: N web processes allow the limit once, not N times. Each take is one short write transaction.
 */
// Keys come from requests: PostgreSQL text refuses NUL, and a huge key is no better a key than its start.
const bucketKey = (key: string) => key.replaceAll('\u0000', '\\0').slice(0, 320);

export class RateLimiter {
  readonly specs: Record<LimitName, BucketSpec>;

  constructor(
    private readonly db: Db,
    overrides: Partial<Record<LimitName, BucketSpec>> = {},
    private readonly now = () => Date.now(),
    /** Prefixes the bucket names, so two limiters with the same names keep separate budgets. */
    private readonly scope = '',
  ) {
    this.specs = { ...DEFAULT_LIMITS, ...overrides };
  }

  /**
   * Takes one token from every named bucket, or from none: a request refused by one limit does not use up
   * the others (the transaction rolls back). Throws RateLimitError (429) with the wait until every bucket has
   * a token again. Given a transaction, takes in it: the tokens are spent only if the caller's write commits.
   */
  async take(checks: readonly [LimitName, string][], message = 'Too many requests. Please wait a moment and try again.', tx?: DbOrTx): Promise<void> {
    const t = this.now();
    const rows = checks.map(([name, key]) => ({ name, bucket: this.scope + name, key: bucketKey(key) }));
    // One lock order for every take, so two takes of overlapping buckets cannot deadlock on PostgreSQL.
    rows.sort((a, b) => (a.bucket === b.bucket ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.bucket < b.bucket ? -1 : 1));
    await executeTx(tx ?? this.db, async (tx) => {
      const specs = rows.map((r) => this.specs[r.name]);
      const intervals = specs.map((spec) => spec.perMs / spec.refill);
      const tats = await advanceTats(tx, rows.map((r, i) => ({ name: r.bucket, key: r.key, interval: intervals[i]! })), t);
      const wait = Math.max(0, ...tats.map((tat, i) => tat - specs[i]!.capacity * intervals[i]! - t));
      if (wait > 1e-6) {
        const seconds = Math.max(1, Math.ceil(wait / 1000));
        throw new RateLimitError(`${message} Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, seconds);
      }
    });
    // Now and then forget full buckets (they behave like absent rows), keeping the table small: in its own statement,
    // not awaited, so a caller's transaction neither waits for it nor fails with it.
    if (Math.random() < 0.002) void deleteFullBuckets(this.db, t).catch(() => {});
  }

  /**
   * Throws like take() when any named bucket is empty, without taking a token: for limits charged only on
   * failure (wrong admin tokens), checked before the secret is compared, so a refused guess reveals nothing.
   */
  async check(checks: readonly [LimitName, string][], message = 'Too many requests. Please wait a moment and try again.'): Promise<void> {
    const t = this.now();
    let wait = 0;
    for (const [name, key] of checks) {
      const spec = this.specs[name];
      const interval = spec.perMs / spec.refill;
      const tat = await bucketTat(this.db, this.scope + name, bucketKey(key));
      if (tat !== undefined) wait = Math.max(wait, Math.max(tat, t) + interval - spec.capacity * interval - t);
    }
    if (wait > 1e-6) {
      const seconds = Math.max(1, Math.ceil(wait / 1000));
      throw new RateLimitError(`${message} Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`, seconds);
    }
  }

  /** Forgets this limiter's buckets (tests). */
  async reset(): Promise<void> {
    await deleteBuckets(this.db, this.scope);
  }
}

const limiters = new WeakMap<object, RateLimiter>();

/** The limiter of one Site (its buckets live in the site's database, shared by all its processes). */
export function limiterFor(site: { store: { db: Db } }): RateLimiter {
  let l = limiters.get(site);
  if (!l) limiters.set(site, (l = new RateLimiter(site.store.db)));
  return l;
}

/** Replaces a site's limiter, e.g. with tighter or looser limits in tests. */
export function setLimiter(site: object, limiter: RateLimiter): void {
  limiters.set(site, limiter);
}
