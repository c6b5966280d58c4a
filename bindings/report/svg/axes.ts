/**
 * Axes of one panel, in the panel's own coordinates (x from 0 to its width,
 * y from its height at the bottom to 0 at the top): ticks, labels, grid
 * lines, the frame and the axis titles.
 */
import { tag, text, textWidth } from './element.js';
import type { BandScale, Scale } from './scale.js';
import { AXIS, FRAME, GRID, INK, MUTED } from './theme.js';

export interface AxisOptions {
  /** Tick values (default: the scale's). */
  ticks?: number[];
  /** Tick labels shown (false on the inner panels of a grid). */
  labels?: boolean;
  /** Label font size (default 11). */
  size?: number;
}

export const TITLE_SIZE = 12;

/** The ticks of a scale, as drawn: the requested ones inside the domain, never a repeated pixel. */
function ticksOf(s: Scale, o: AxisOptions): number[] {
  const lo = Math.min(s.domain[0], s.domain[1]), hi = Math.max(s.domain[0], s.domain[1]);
  // A tick on the domain's edge stays, whatever rounding put it a hair outside.
  const eps = (hi - lo) * 1e-9 + Math.abs(lo) * 1e-12;
  const inside = (o.ticks ?? s.ticks()).filter((v) => v >= lo - eps && v <= hi + eps);
  const seen = new Set<number>();
  return inside.filter((v) => { const p = Math.round(s(v)); if (seen.has(p)) return false; seen.add(p); return true; });
}

/** Where a label is drawn: centred on its tick, or flush with the end of the axis it would overhang. */
function placed(x: Scale, v: number, size: number): { at: number; anchor: 'start' | 'middle' | 'end'; from: number; to: number } {
  const p = x(v), w = textWidth(x.label(v), size);
  const anchor = p - w / 2 < x.range[0] - 2 ? 'start' : p + w / 2 > x.range[1] + 2 ? 'end' : 'middle';
  const from = anchor === 'start' ? p : anchor === 'end' ? p - w : p - w / 2;
  return { at: p, anchor, from, to: from + w };
}

/** Every k-th label, for the smallest k at which no two labels come closer than 4 px. */
function spaced<T extends { from: number; to: number }>(labels: T[]): T[] {
  for (let k = 1; k <= labels.length; k++) {
    const kept = labels.filter((_, i) => i % k === 0);
    if (kept.every((l, i) => i === 0 || l.from >= kept[i - 1]!.to + 4)) return kept;
  }
  return labels.slice(0, 1);
}

/** The x axis at the bottom of a panel of height h. */
export function xAxis(x: Scale, h: number, o: AxisOptions = {}): string {
  const size = o.size ?? 11;
  const ticks = ticksOf(x, o);
  let out = ticks.map((v) => tag('line', { x1: x(v), x2: x(v), y1: h, y2: h + 4, stroke: AXIS })).join('');
  if (o.labels !== false) {
    const labels = spaced(ticks.map((v) => ({ v, ...placed(x, v, size) })));
    out += labels.map((l) => text(l.at, h + 6, x.label(l.v), { size, color: MUTED, anchor: l.anchor, baseline: 'hanging' })).join('');
  }
  return tag('g', { class: 'axis x' }, tag('line', { x1: x.range[0], x2: x.range[1], y1: h, y2: h, stroke: AXIS }) + out);
}

/** The y axis at the left of a panel. */
export function yAxis(y: Scale, o: AxisOptions = {}): string {
  const size = o.size ?? 11;
  const ticks = ticksOf(y, o);
  let out = ticks.map((v) => tag('line', { x1: -4, x2: 0, y1: y(v), y2: y(v), stroke: AXIS })).join('');
  if (o.labels !== false) {
    const shown = spaced(ticks.map((v) => ({ v, from: y(v) - size / 2, to: y(v) + size / 2 })).sort((a, b) => a.from - b.from));
    out += shown.map((l) => text(-6, y(l.v), y.label(l.v), { size, color: MUTED, anchor: 'end', baseline: 'middle' })).join('');
  }
  return tag('g', { class: 'axis y' }, tag('line', { x1: 0, x2: 0, y1: y.range[0], y2: y.range[1], stroke: AXIS }) + out);
}

/** The width the y axis' labels take left of the panel (for the margin). */
export function yAxisWidth(y: Scale, o: AxisOptions = {}): number {
  const size = o.size ?? 11;
  let w = 0;
  for (const v of ticksOf(y, o)) w = Math.max(w, textWidth(y.label(v), size));
  return w + 8;
}

/** Grid lines at the ticks, under the marks. */
export function gridLines(w: number, h: number, x: Scale | null, y: Scale | null, o: { xTicks?: number[]; yTicks?: number[] } = {}): string {
  let out = '';
  if (x) for (const v of ticksOf(x, { ticks: o.xTicks })) out += tag('line', { x1: x(v), x2: x(v), y1: 0, y2: h, stroke: GRID });
  if (y) for (const v of ticksOf(y, { ticks: o.yTicks })) out += tag('line', { x1: 0, x2: w, y1: y(v), y2: y(v), stroke: GRID });
  return tag('g', { class: 'grid' }, out);
}

/** The panel's frame, over the grid and under nothing else. */
export function frame(w: number, h: number): string {
  return tag('rect', { x: 0, y: 0, width: w, height: h, fill: 'none', stroke: FRAME });
}

/** The width of the widest of some texts. */
export function widest(texts: string[], size: number, bold = false): number {
  let w = 0;
  for (const t of texts) w = Math.max(w, textWidth(t, size, bold));
  return w;
}

/** Category labels under a band axis, rotated when they would not fit their bands. */
export function bandXAxis(band: BandScale, h: number, labels: (c: string) => string, size = 11): { svg: string; height: number } {
  const longest = widest(band.domain.map(labels), size);
  const rotate = longest > band.bandwidth + 8;
  const svg = band.domain.map((c) => {
    const x = band.center(c);
    return tag('line', { x1: x, x2: x, y1: h, y2: h + 4, stroke: AXIS }) + (rotate
      ? text(x + 3, h + 8, labels(c), { size, color: INK, anchor: 'end', baseline: 'hanging', rotate: -25 })
      : text(x, h + 6, labels(c), { size, color: INK, anchor: 'middle', baseline: 'hanging' }));
  }).join('');
  return { svg: tag('g', { class: 'axis x' }, svg), height: rotate ? 10 + longest * Math.sin(Math.PI / 7.2) + size : 6 + size };
}

/** Category labels left of a band axis (the rows of a heatmap). */
export function bandYAxis(band: BandScale, labels: (c: string) => string, size = 11): { svg: string; width: number } {
  const width = widest(band.domain.map(labels), size) + 8;
  const svg = band.domain.map((c) => text(-6, band.center(c), labels(c), { size, color: MUTED, anchor: 'end', baseline: 'middle' })).join('');
  return { svg: tag('g', { class: 'axis y' }, svg), width };
}

/** An axis title: under the x axis, or rotated left of the y axis. */
export function axisTitle(x: number, y: number, title: string, vertical = false): string {
  return vertical
    ? text(x, y, title, { size: TITLE_SIZE, weight: 600, color: INK, anchor: 'middle', rotate: -90 })
    : text(x, y, title, { size: TITLE_SIZE, weight: 600, color: INK, anchor: 'middle', baseline: 'hanging' });
}
