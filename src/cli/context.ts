import { loadConfig, type Config } from '../config.js';
import { openStore, type Store } from '../db/db.js';
import { loadCritics } from '../panel/critics.js';
import type { Critic } from '../domain/schemas.js';

/** What commands need, opened lazily so `--help` and usage errors touch nothing. */
export class CliContext {
  private _config?: Config;
  private _store?: Promise<Store>;
  private _critics?: Critic[];

  constructor(readonly json: boolean, private readonly env: NodeJS.ProcessEnv = process.env) {}

  get config(): Config {
    return (this._config ??= loadConfig(this.env));
  }
  store(opts: { migrate?: boolean } = {}): Promise<Store> {
    return (this._store ??= openStore(this.config.database, { busyWaitMs: 15 * 60_000, ...opts })); // a long import waits its turn
  }
  get critics(): Critic[] {
    return (this._critics ??= loadCritics(this.config.criticsDir));
  }
  async close() {
    if (this._store) await (await this._store).close();
  }
  /** Prints a value as JSON with --json, or the text otherwise. */
  out(value: unknown, text: () => string) {
    process.stdout.write(this.json ? JSON.stringify(value, null, 2) + '\n' : text() + '\n');
  }
}
