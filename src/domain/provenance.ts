/**
 * Where a review revision came from, said exactly: a panel run (which model, prompt and run) or an import (which
 * source, and who wrote it only when the import said so). Nothing here claims a person wrote a review unless an
 * import named one (docs/decisions/015).
 */
export interface ProvenanceFields {
  origin: 'panel' | 'import';
  runId: number | null;
  model: string | null;
  promptVersion: string | null;
  importSource: string | null;
  author: string | null;
}

/** The import source name that marks the demo catalog (data/demo.json gives it on every review). */
export const DEMO_SOURCE = 'demo';

/**
 * One line for people: "Panel run #12 · gpt-4o · prompt builder@ab12 · 30 Nov 2026", "Demo review · imported on …",
 * "By Ada · imported from reviews.json on …", "Imported on …". `date` comes formatted by the caller (page, CLI).
 */
export function provenanceText(r: ProvenanceFields, date: string): string {
  if (r.origin === 'panel') {
    const parts = [r.runId != null ? `Panel run #${r.runId}` : 'Panel run', r.model ?? 'unknown model', r.promptVersion ? `prompt ${r.promptVersion}` : null, date];
    return parts.filter(Boolean).join(' · ');
  }
  const from = r.importSource && r.importSource !== DEMO_SOURCE ? ` from ${r.importSource}` : '';
  if (r.importSource === DEMO_SOURCE) return `Demo review${r.author ? ` by ${r.author}` : ''} · imported on ${date}`;
  if (r.author) return `By ${r.author} · imported${from} on ${date}`;
  return `Imported${from} on ${date}`;
}
