// Plain-text layout helpers for the CLI: wrapping, tables, plurals and number parsing for an 80-column terminal.
import { AppError } from '../errors.js';
import { quote } from '../domain/text.js';

/** Plain-text layout for an 80-column terminal. */

const NBSP = '\u00a0';

/**
 * "Ship · 3 ship / 1 skip · avg 71.3" with each "·"-separated part unbreakable and each "·" glued to the part before
 * it, so `wrap` breaks between parts, never inside "avg 71.3" or before a "·" (issue 20, point 8). Text without "·"
 * is left as it is.
 */
export const keepFigures = (text: string): string => (text.includes(' · ') ? text.split(' · ').map((p) => p.replaceAll(' ', NBSP)).join(`${NBSP}· `) : text);

/** Lines of at most `width` characters, broken at spaces (a no-break space holds, and prints as a space). */
export function wrap(text: string, width: number): string[] {
  return wrapRaw(text, width).map((l) => l.replaceAll(NBSP, ' '));
}

function wrapRaw(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/[ \t\r]+/).filter(Boolean)) {
      for (let w = word; w; ) {
        const chunk = w.length > width ? w.slice(0, width) : w;
        w = w.slice(chunk.length);
        if (!line) line = chunk;
        else if (line.length + 1 + chunk.length <= width) line += ' ' + chunk;
        else {
          lines.push(line);
          line = chunk;
        }
      }
    }
    lines.push(line);
  }
  return lines;
}

/** A table whose first column is a label and whose other columns share the rest of `width`, wrapping their text. */
export function table(header: string[], rows: string[][], width = 80, labelWidth = 14): string {
  const cols = header.length - 1;
  const gap = 2;
  const colWidth = Math.max(10, Math.floor((width - labelWidth - gap * cols) / cols));
  const widths = [labelWidth, ...Array<number>(cols).fill(colWidth)];
  const render = (cells: string[]) => {
    const wrapped = cells.map((c, i) => wrap(c, widths[i]!));
    const height = Math.max(...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let l = 0; l < height; l++) out.push(wrapped.map((w, i) => (w[l] ?? '').padEnd(i === cols ? 0 : widths[i]!)).join(' '.repeat(gap)).trimEnd());
    return out.join('\n');
  };
  const rule = widths.map((w) => '─'.repeat(w)).join(' '.repeat(gap));
  return [render(header), rule, ...rows.map(render)].join('\n');
}

export const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
export const fmtInt = (n: number) => n.toLocaleString('en-US');

/** A commander option parser for a count: a whole number of 1 or more, else a usage error naming the option. */
export const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new AppError('usage', `${name} must be a whole number of 1 or more, got ${quote(v)}`);
  return n;
};
