/**
 * The marks, in pixels: lines (broken at missing values; steps for per-epoch
 * LRs), symbols, rules, rectangles, error bars and labels on a white box.
 * Each kind goes in a <g class="mark-…"> so that tests and stylesheets can find them.
 */
import { px, tag, text, textWidth } from './element.js';

/** A group of marks of one kind: line, symbol, rect, rule, text. */
export function marks(kind: 'line' | 'symbol' | 'rect' | 'rule' | 'text', content: string): string {
  return content ? `<g class="mark-${kind}">${content}</g>` : '';
}

export interface LineOptions {
  color: string;
  width?: number;
  dash?: string;
  opacity?: number;
  /** Hold each value until the next point (a per-epoch LR). */
  step?: boolean;
  /** The series' name, as data-series (train, validation, a trial id). */
  series?: string;
}

/** A polyline through the points; a non-finite coordinate breaks it. Empty when fewer than one point is drawable. */
export function line(points: Array<[number, number]>, o: LineOptions): string {
  return lineXY(points.map((p) => p[0]), points.map((p) => p[1]), o);
}

/**
 * line() of the points (xs[i], ys[i]), in pixels: the form of the long series (a trial's curve,
 * its LR), which need no [x, y] pair per point.
 */
export function lineXY(xs: ArrayLike<number>, ys: ArrayLike<number>, o: LineOptions): string {
  let d = '';
  let open = false;
  // A step line through equal values is one horizontal run: a constant LR is one segment, not one per epoch
  // (and only the x where the run ends is written, so only that one is formatted).
  let lastY = '', lastPy = NaN, runTo: number | undefined;
  const endRun = () => { if (runTo !== undefined) d += `H${px(runTo)}`; runTo = undefined; };
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!, y = ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) { endRun(); open = false; continue; }
    // The same pixel as the last point's is the same text: not formatted again.
    const sy = y === lastPy ? lastY : px(y);
    if (!open) d += `M${px(x)},${sy}`;
    else if (!o.step) d += `L${px(x)},${sy}`;
    else if (sy === lastY) runTo = x;
    else { d += `H${px(x)}V${sy}`; runTo = undefined; }
    open = true;
    lastY = sy;
    lastPy = y;
  }
  endRun();
  if (!d) return '';
  return tag('path', {
    d, fill: 'none', stroke: o.color, 'stroke-width': o.width ?? 2, 'stroke-dasharray': o.dash || undefined,
    'stroke-linejoin': 'round', 'stroke-linecap': o.dash ? 'butt' : 'round', opacity: o.opacity !== undefined && o.opacity < 1 ? o.opacity : undefined,
    'data-series': o.series,
  });
}

export type Shape = 'circle' | 'triangle-down' | 'cross';

export interface SymbolOptions {
  fill?: string;
  stroke?: string;
  strokeWidth?: number;
}

/** A symbol centred at (x, y), r pixels from the centre to its edge. */
export function symbol(x: number, y: number, shape: Shape, r: number, o: SymbolOptions): string {
  const paint = { fill: o.fill ?? 'none', stroke: o.stroke, 'stroke-width': o.stroke ? o.strokeWidth ?? 1.5 : undefined };
  if (shape === 'circle') {
    // A path rather than <circle>, so that every symbol is a path with a d.
    return tag('path', { d: `M${px(x - r)},${px(y)}a${px(r)},${px(r)} 0 1,0 ${px(2 * r)},0a${px(r)},${px(r)} 0 1,0 ${px(-2 * r)},0Z`, ...paint });
  }
  if (shape === 'triangle-down') {
    return tag('path', { d: `M${px(x - r)},${px(y - r * 0.75)}H${px(x + r)}L${px(x)},${px(y + r)}Z`, ...paint });
  }
  // A bold ✕: two bars at ±45°.
  const a = r, b = r * 0.32;
  const pts = [[-a + b, -a], [0, -b], [a - b, -a], [a, -a + b], [b, 0], [a, a - b], [a - b, a], [0, b], [-a + b, a], [-a, a - b], [-b, 0], [-a, -a + b]];
  return tag('path', { d: 'M' + pts.map(([dx, dy]) => `${px(x + dx!)},${px(y + dy!)}`).join('L') + 'Z', ...paint, fill: o.fill ?? o.stroke });
}

export function rule(x1: number, y1: number, x2: number, y2: number, o: { color: string; width?: number; dash?: string }): string {
  return tag('line', { x1, y1, x2, y2, stroke: o.color, 'stroke-width': o.width ?? 1, 'stroke-dasharray': o.dash || undefined });
}

export function rect(x: number, y: number, w: number, h: number, o: { fill?: string; opacity?: number; stroke?: string; strokeWidth?: number; rx?: number }): string {
  return tag('rect', {
    x: Math.min(x, x + w), y: Math.min(y, y + h), width: Math.abs(w), height: Math.abs(h), rx: o.rx,
    fill: o.fill ?? 'none', 'fill-opacity': o.opacity, stroke: o.stroke, 'stroke-width': o.stroke ? o.strokeWidth ?? 1 : undefined,
  });
}

/** A vertical error bar from y0 to y1 with caps. */
export function errorBar(x: number, y0: number, y1: number, color: string, cap = 4.5): string {
  return rule(x, y0, x, y1, { color, width: 1.5 }) + rule(x - cap, y0, x + cap, y0, { color, width: 1.5 }) + rule(x - cap, y1, x + cap, y1, { color, width: 1.5 });
}

export interface LabelOptions {
  color: string;
  size?: number;
  /** Which side of x the label is on: 'start' puts its left edge at x. */
  anchor?: 'start' | 'end' | 'middle';
}

/** A bold label on a white box, its top at y: readable over the lines it sits on. */
export function label(x: number, y: number, content: string, o: LabelOptions): string {
  const size = o.size ?? 11;
  const w = textWidth(content, size, true) + 6;
  const left = o.anchor === 'end' ? x - w : o.anchor === 'middle' ? x - w / 2 : x;
  return rect(left, y, w, size + 4, { fill: 'white', opacity: 0.88, rx: 2 }) +
    text(left + 3, y + 2, content, { size, weight: 700, color: o.color, baseline: 'hanging' });
}

/** The width of a label(…) box. */
export function labelWidth(content: string, size = 11): number {
  return textWidth(content, size, true) + 6;
}
