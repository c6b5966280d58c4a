/** The look shared by every chart: fonts, ink, the series colours and the palettes. */

export const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
export const INK = '#1f2328';
export const MUTED = '#57606a';
/** Grid lines, the frame of a panel and the axis lines. */
export const GRID = '#eaeef2';
export const FRAME = '#d0d7de';
export const AXIS = '#8c959f';

export const COLORS = {
  train: '#1f5fa8',
  validation: '#d1560c',
  bad: '#c62828',
  good: '#1a7f37',
  neutral: '#6e7781',
  band: '#2da44e',
  lr: '#6639ba',
};

/** Colour-blind-safe categorical palette (Okabe–Ito, without its yellow, darkened for white paper). */
const GROUP_PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#56b4e9', '#e69f00', '#000000', '#8c564b'];

/** The dash of validation and best-loss lines (train and final loss are solid). */
export const DASHED = '6 3';

// Viridis, sampled at 9 evenly spaced stops (matplotlib's table); interpolated linearly between them.
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

function hex(c: string): [number, number, number] {
  return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
}

/** The viridis colour at t in [0, 1] (0 dark purple, 1 yellow). */
export function viridis(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const a = hex(VIRIDIS[i]!), b = hex(VIRIDIS[i + 1]!), f = u - i;
  return '#' + a.map((v, k) => Math.round(v + (b[k]! - v) * f).toString(16).padStart(2, '0')).join('');
}

/** n distinct colours: the palette while it lasts, else viridis (without its lightest end). */
export function paletteOf(n: number): string[] {
  if (n <= GROUP_PALETTE.length) return GROUP_PALETTE.slice(0, n);
  return Array.from({ length: n }, (_, i) => viridis((0.85 * i) / Math.max(1, n - 1)));
}
