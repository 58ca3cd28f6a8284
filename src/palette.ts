/**
 * The one palette: the stylesheet's custom properties (src/web/assets/css/00-base.css, checked equal by
 * src/palette.test.ts), the badge, the share images, the score chart's fallback fills and the emails.
 * Images and emails cannot follow the reader's colour scheme, so they use the light theme.
 */
export const palette = {
  light: {
    bg: '#fbfaf7',
    surface: '#ffffff',
    surface2: '#f3f1ec',
    text: '#1d1b18',
    muted: '#5e5a53',
    line: '#e2ded6',
    accent: '#3b4cca',
    accentText: '#ffffff',
    focus: '#f59e0b',
    ship: '#17734a',
    shipBg: '#e3f4ea',
    skip: '#b42318',
    skipBg: '#fdebe9',
    split: '#8a5a00',
    splitBg: '#fbf1d9',
    none: '#5e5a53',
    noneBg: '#efede8',
  },
  dark: {
    bg: '#15161a',
    surface: '#1d1f24',
    surface2: '#25282e',
    text: '#ecebe8',
    muted: '#a9a69f',
    line: '#33363d',
    accent: '#9aa6ff',
    accentText: '#10121a',
    focus: '#fbbf24',
    ship: '#6fd6a0',
    shipBg: '#143526',
    skip: '#ff9b8f',
    skipBg: '#3d1a17',
    split: '#f2c66d',
    splitBg: '#3a2d10',
    none: '#b9b5ad',
    noneBg: '#2a2c31',
  },
} as const;

export type Colour = keyof typeof palette.light;

/** The CSS custom property of a palette colour: `surface2` is `--surface-2`, `shipBg` is `--ship-bg`. */
export const cssVar = (name: Colour) => `--${name.replace(/([A-Z0-9])/g, '-$1').toLowerCase()}`;

/** Text and background colours of a verdict label (Ship, Skip, Split, or none yet), in the light theme. */
export function verdictTone(label: string | null | undefined): { fg: string; bg: string } {
  const c = palette.light;
  if (label === 'Ship') return { fg: c.ship, bg: c.shipBg };
  if (label === 'Skip') return { fg: c.skip, bg: c.skipBg };
  if (label === 'Split') return { fg: c.split, bg: c.splitBg };
  return { fg: c.none, bg: c.noneBg };
}
