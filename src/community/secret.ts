// The site's signing key (SECRET, or one generated once and shared through the database) and HMAC signing helpers.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';
import type { DbOrTx } from '../db/db.js';
import { findSetting, insertSettingOnce } from './secrets.repo.js';

const SECRET_KEY = 'secret';

// One promise per database handle: the key is read (or created) once per process, even under concurrent first calls.
const memo = new WeakMap<object, Promise<string>>();

/**
 * The signing key for cookies, CSRF tokens and emailed links: config.secret (SECRET) when set; otherwise a
 * random 32-byte key generated on first use and kept in `app_settings`, so every process and restart shares it.
 * Insert-if-absent then read back: when two processes race, both end up with the one row that won.
 */
export function getSecret(db: DbOrTx, config: Config): Promise<string> {
  if (config.secret) return Promise.resolve(config.secret);
  let p = memo.get(db);
  if (!p) {
    p = loadOrCreate(db);
    memo.set(db, p);
    p.catch(() => memo.delete(db)); // a failed read (database down) is retried next time
  }
  return p;
}

async function loadOrCreate(db: DbOrTx): Promise<string> {
  return (await findSetting(db, SECRET_KEY)) ?? insertSettingOnce(db, SECRET_KEY, randomBytes(32).toString('base64url'));
}

/** HMAC-SHA256 of `purpose|value`, base64url. The purpose keeps a signature for one use from being replayed as another. */
export const hmac = (secret: string, purpose: string, value: string) =>
  createHmac('sha256', secret).update(`${purpose}|${value}`).digest('base64url');

/** Constant-time string comparison. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `value.signature`, for cookies and links. */
export const signValue = (secret: string, purpose: string, value: string) => `${value}.${hmac(secret, purpose, value)}`;

/** The value of a `value.signature` string if the signature is ours, else undefined. */
export function unsignValue(secret: string, purpose: string, signed: string | undefined): string | undefined {
  if (!signed) return undefined;
  const dot = signed.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const value = signed.slice(0, dot);
  return safeEqual(signed.slice(dot + 1), hmac(secret, purpose, value)) ? value : undefined;
}
