/**
 * Legends: a row of entries above a chart (train / validation, final / best
 * loss), a column with a title beside it (one colour per momentum), and a
 * colour ramp for a heatmap (drawn as stacked rectangles: no gradient, so no
 * id is needed).
 */
import { group, tag, text, textWidth } from './element.js';
import { line, symbol, type Shape } from './marks.js';
import { INK, MUTED } from './theme.js';

export interface LegendEntry {
  label: string;
  color: string;
  /** A line sample (the default), or a symbol. */
  dash?: string;
  shape?: Shape;
  /** A symbol drawn open (white inside). */
  open?: boolean;
}

const SIZE = 12;
const SAMPLE = 22;

function sample(e: LegendEntry, x: number, y: number): string {
  if (e.shape) return symbol(x + SAMPLE / 2, y, e.shape, 5, e.open ? { fill: 'white', stroke: e.color, strokeWidth: 2 } : { fill: e.color });
  return line([[x, y], [x + SAMPLE, y]], { color: e.color, width: 2.5, dash: e.dash });
}

/** Entries side by side; (x, y) is the middle of their left end. */
export function legendRow(entries: LegendEntry[], x: number, y: number): { svg: string; width: number } {
  let at = 0;
  let svg = '';
  for (const e of entries) {
    svg += sample(e, at, 0) + text(at + SAMPLE + 5, 0, e.label, { size: SIZE, color: INK, baseline: 'middle' });
    at += SAMPLE + 5 + textWidth(e.label, SIZE) + 18;
  }
  return { svg: group(x, y, tag('g', { class: 'legend' }, svg)), width: at - 18 };
}

/** Entries one under another with a bold title; (x, y) is the top left. */
export function legendColumn(title: string, entries: LegendEntry[], x: number, y: number): { svg: string; width: number; height: number } {
  let svg = title ? text(0, 0, title, { size: SIZE, weight: 600, color: INK, baseline: 'hanging' }) : '';
  let at = title ? 24 : 6;
  let width = title ? textWidth(title, SIZE, true) : 0;
  for (const e of entries) {
    svg += sample(e, 0, at) + text(SAMPLE + 5, at, e.label, { size: SIZE, color: INK, baseline: 'middle' });
    width = Math.max(width, SAMPLE + 5 + textWidth(e.label, SIZE));
    at += 17;
  }
  return { svg: group(x, y, tag('g', { class: 'legend' }, svg)), width, height: at };
}

/** The width a legendColumn will take. */
export function legendColumnWidth(title: string, entries: LegendEntry[]): number {
  let width = title ? textWidth(title, SIZE, true) : 0;
  for (const e of entries) width = Math.max(width, SAMPLE + 5 + textWidth(e.label, SIZE));
  return width;
}

/**
 * A vertical colour ramp of `height` pixels, top = `colorAt(1)`, with labelled ticks; (x, y) is
 * the top left of its title. Each tick sits at its t in [0, 1] (1 at the top).
 */
export function rampLegend(title: string, colorAt: (t: number) => string, ticks: Array<{ t: number; label: string }>, x: number, y: number, height: number): { svg: string; width: number } {
  const steps = 32;
  const w = 16;
  let svg = text(0, 0, title, { size: SIZE, weight: 600, color: INK, baseline: 'hanging' });
  const top = 22;
  for (let i = 0; i < steps; i++) {
    const t = 1 - (i + 0.5) / steps;
    svg += tag('rect', { x: 0, y: top + (i * height) / steps, width: w, height: height / steps + 0.5, fill: colorAt(t) });
  }
  let width = textWidth(title, SIZE, true);
  for (const tick of ticks) {
    const ty = top + (1 - tick.t) * height;
    svg += tag('line', { x1: w, x2: w + 4, y1: ty, y2: ty, stroke: MUTED }) + text(w + 6, ty, tick.label, { size: 11, color: MUTED, baseline: 'middle' });
    width = Math.max(width, w + 6 + textWidth(tick.label, 11));
  }
  return { svg: group(x, y, tag('g', { class: 'legend' }, svg)), width };
}
