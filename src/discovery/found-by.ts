// Says where a discovered tool was found ("Show HN, 143 points · GitHub, 2.1k stars") and parses it back.
import type { FoundBy } from './source.js';

/** "Show HN, 143 points · GitHub, 2.1k stars". */
export const foundByText = (f: readonly FoundBy[]) => f.map((x) => (x.signal ? `${x.label}, ${x.signal}` : x.label)).join(' · ');

/** The stored JSON, read leniently: a row written by hand or by an older version is shown as nothing found. */
export const parseFoundBy = (json: string | null): FoundBy[] => {
  try {
    const v = JSON.parse(json ?? '[]');
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
};

