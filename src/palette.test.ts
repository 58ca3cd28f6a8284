// Tests that the stylesheet declares exactly the palette in src/palette.ts, in both colour schemes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cssVar, palette, type Colour } from './palette.js';

/** The custom properties declared in a CSS block, as name -> value. */
const declared = (block: string) => new Map([...block.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1]!, m[2]!.trim()]));

test('the stylesheet declares exactly the palette, in both colour schemes', () => {
  const css = readFileSync(new URL('./web/assets/css/00-base.css', import.meta.url), 'utf8');
  const dark = css.indexOf('@media (prefers-color-scheme: dark)');
  assert.ok(dark > 0, 'dark scheme block');
  const themes = { light: declared(css.slice(0, dark)), dark: declared(css.slice(dark, css.indexOf('}\n}', dark))) };
  for (const scheme of ['light', 'dark'] as const) {
    for (const [name, value] of Object.entries(palette[scheme])) assert.equal(themes[scheme].get(cssVar(name as Colour)), value, `${scheme} ${cssVar(name as Colour)}`);
    const colours = [...themes[scheme]].filter(([, v]) => /^#[0-9a-f]{3,8}$/i.test(v)).map(([k]) => k);
    assert.deepEqual(colours.sort(), Object.keys(palette[scheme]).map((k) => cssVar(k as Colour)).sort(), `${scheme}: every CSS colour comes from the palette`);
  }
});
