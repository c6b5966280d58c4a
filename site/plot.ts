/**
 * Small SVG line charts for the playground: linear or log axes, several series,
 * vertical markers, a shaded band, crosses. Drawn as one SVG string per update
 * (cheap enough to redraw many times a second while training), sized by its
 * viewBox so that CSS decides the width, and described for screen readers by
 * a <title> and a <desc>.
 */

/** The largest / smallest of a list by a loop: spreading a long curve into Math.max overflows the stack. */
export function maxOf(xs: number[]): number {
  let best = -Infinity;
  for (const x of xs) if (x > best || Number.isNaN(x)) best = x;
  return best;
}

export function minOf(xs: number[]): number {
  let best = Infinity;
  for (const x of xs) if (x < best || Number.isNaN(x)) best = x;
  return best;
}

export interface Series {
  name: string;
  color: string;
  points: [number, number][];
  dash?: string;
  width?: number;
  opacity?: number;
  /** Draw a dot on each point (for short series). */
  dots?: boolean;
}

export interface Marker {
  x: number;
  label: string;
  color: string;
  dash?: string;
}

export interface ChartOptions {
  title: string;
  /** One or two sentences for screen readers: what the chart shows now. */
  description: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  xLog?: boolean;
  /** 'auto': log when the positive values span more than 30×. */
  yScale?: 'linear' | 'log' | 'auto';
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** y values above this are drawn at it (a diverging loss). */
  yCeiling?: number;
  yFormat?: (v: number) => string;
  markers?: Marker[];
  band?: { lo: number; hi: number; label: string; color: string };
  crosses?: { x: number; y: number; color: string }[];
  /** Ringed points (the best trial). */
  rings?: { x: number; y: number; label: string }[];
  legend?: boolean;
  width?: number;
  height?: number;
}

const M = { top: 30, right: 16, bottom: 38, left: 56 };
let chartIds = 0;

export function formatNumber(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a < 1e-2 || a >= 1e5) {
    const [m, e] = x.toExponential(Math.max(0, digits - 1)).split('e');
    const mantissa = m!.includes('.') ? m!.replace(/0+$/, '').replace(/\.$/, '') : m!;
    return `${mantissa}e${Number(e)}`;
  }
  return String(Number(x.toPrecision(digits)));
}

export function formatPercent(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—';
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Scale {
  (v: number): number;
  ticks: number[];
  log: boolean;
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

function linearScale(lo: number, hi: number, from: number, to: number, tickCount: number, nice: boolean): Scale {
  if (!(hi > lo)) { hi = lo + (Math.abs(lo) || 1); }
  const step = niceStep(hi - lo, tickCount);
  if (nice) { lo = Math.floor(lo / step) * step; hi = Math.ceil(hi / step) * step; }
  const f = ((v: number) => from + ((v - lo) / (hi - lo)) * (to - from)) as Scale;
  f.ticks = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) f.ticks.push(Number(t.toPrecision(12)));
  f.log = false;
  return f;
}

function logScale(lo: number, hi: number, from: number, to: number): Scale {
  if (!(hi > lo)) hi = lo * 10;
  const a = Math.log10(lo), b = Math.log10(hi);
  const f = ((v: number) => from + ((Math.log10(v) - a) / (b - a)) * (to - from)) as Scale;
  const decades = b - a;
  const mults = decades <= 1.2 ? [1, 2, 5] : decades <= 2.5 ? [1, 3] : [1];
  const every = decades > 8 ? 2 : 1;
  f.ticks = [];
  for (let p = Math.floor(a); p <= Math.ceil(b); p += every) {
    for (const m of mults) {
      const v = Number((m * 10 ** p).toPrecision(6));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) f.ticks.push(v);
    }
  }
  f.log = true;
  return f;
}

/** The chart as an SVG string. */
export function lineChart(o: ChartOptions): string {
  const width = o.width ?? 560, height = o.height ?? 250;
  const id = `c${++chartIds}`;
  const legendRows = o.legend === false ? 0 : 1;
  const top = M.top + legendRows * 16;
  const x0 = M.left, x1 = width - M.right, y0 = height - M.bottom, y1 = top;
  const finitePts = o.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const xsAll = [...finitePts.map((p) => p[0]), ...(o.markers ?? []).map((m) => m.x)];
  let ysAll = finitePts.map((p) => p[1]);
  if (o.yCeiling !== undefined) ysAll = ysAll.map((y) => Math.min(y, o.yCeiling!));
  for (const c of o.crosses ?? []) ysAll.push(c.y);
  for (const r of o.rings ?? []) ysAll.push(r.y);

  const [xlo, xhi] = o.xDomain ?? [minOf(xsAll), maxOf(xsAll)];
  const positiveY = ysAll.filter((y) => y > 0);
  const yLog = o.yScale === 'log' || (o.yScale === 'auto' && positiveY.length === ysAll.length && positiveY.length > 1
    && maxOf(positiveY) / minOf(positiveY) > 30);
  let [ylo, yhi] = o.yDomain ?? [minOf(ysAll), maxOf(ysAll)];
  const empty = finitePts.length === 0 && !(o.crosses?.length);
  if (empty || !Number.isFinite(xlo) || !Number.isFinite(xhi)) return emptyChart(o, width, height, id);
  if (!o.yDomain) {
    if (yLog) { ylo /= 1.2; yhi *= 1.2; } else { const pad = (yhi - ylo) * 0.06 || Math.abs(yhi) * 0.1 || 1; ylo = ylo >= 0 ? 0 : ylo - pad; yhi += pad; }
  }
  const xs = o.xLog ? logScale(xlo, xhi, x0, x1) : linearScale(xlo, xhi, x0, x1, 6, false);
  const ys = yLog ? logScale(ylo, yhi, y0, y1) : linearScale(ylo, yhi, y0, y1, 4, !o.yDomain);
  const yf = o.yFormat ?? ((v: number) => formatNumber(v, 3));
  const xf = o.xLog ? (v: number) => formatNumber(v, 2) : (v: number) => (Number.isInteger(v) ? String(v) : formatNumber(v, 3));
  const clampY = (y: number) => {
    const c = o.yCeiling !== undefined && (!Number.isFinite(y) || y > o.yCeiling) ? o.yCeiling : y;
    if (!Number.isFinite(c)) return NaN;
    return yLog ? Math.max(c, ylo) : c;
  };

  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t ${id}-d" class="chart">`);
  parts.push(`<title id="${id}-t">${esc(o.title)}</title><desc id="${id}-d">${esc(o.description)}</desc>`);
  parts.push(`<defs><clipPath id="${id}-clip"><rect x="${x0}" y="${y1 - 2}" width="${x1 - x0}" height="${y0 - y1 + 4}"/></clipPath></defs>`);
  parts.push(`<text x="${x0}" y="16" class="chart-title">${esc(o.title)}</text>`);
  // grid and axes
  const xTicks = thin(xs.ticks, 9), yTicks = thin(ys.ticks, 6);
  for (const t of yTicks) {
    const y = ys(t).toFixed(1);
    parts.push(`<line x1="${x0}" x2="${x1}" y1="${y}" y2="${y}" class="grid"/><text x="${x0 - 6}" y="${y}" class="tick" text-anchor="end" dominant-baseline="middle">${esc(yf(t))}</text>`);
  }
  for (const t of xTicks) {
    const x = xs(t).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${y1}" y2="${y0}" class="grid"/><text x="${x}" y="${y0 + 15}" class="tick" text-anchor="middle">${esc(xf(t))}</text>`);
  }
  parts.push(`<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}" class="frame"/>`);
  parts.push(`<text x="${(x0 + x1) / 2}" y="${height - 5}" class="axis-label" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(y0 + y1) / 2}) rotate(-90)" class="axis-label" text-anchor="middle">${esc(o.yLabel)}</text>`);
  parts.push(`<g clip-path="url(#${id}-clip)">`);
  if (o.band) {
    const a = xs(o.band.lo), b = xs(o.band.hi);
    parts.push(`<rect x="${Math.min(a, b).toFixed(1)}" y="${y1}" width="${Math.abs(b - a).toFixed(1)}" height="${y0 - y1}" fill="${o.band.color}" opacity="0.14"/>`);
    parts.push(`<text x="${((a + b) / 2).toFixed(1)}" y="${y1 + 13}" class="band-label" fill="${o.band.color}" text-anchor="middle">${esc(o.band.label)}</text>`);
  }
  for (const s of o.series) {
    const d = pathOf(s.points, xs, (y) => ys(clampY(y)));
    if (d) {
      parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 2}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}${s.opacity !== undefined ? ` opacity="${s.opacity}"` : ''} stroke-linejoin="round" stroke-linecap="round" class="series" data-series="${esc(s.name)}"/>`);
    }
    if (s.dots) {
      for (const [x, y] of s.points) {
        const cy = ys(clampY(y));
        if (Number.isFinite(cy) && Number.isFinite(x)) parts.push(`<circle cx="${xs(x).toFixed(1)}" cy="${cy.toFixed(1)}" r="3.2" fill="${s.color}"/>`);
      }
    }
  }
  for (const c of o.crosses ?? []) {
    const cx = xs(c.x), cy = ys(clampY(c.y));
    parts.push(`<path d="M${cx - 5},${cy - 5}L${cx + 5},${cy + 5}M${cx - 5},${cy + 5}L${cx + 5},${cy - 5}" stroke="${c.color}" stroke-width="2.4" class="cross"/>`);
  }
  for (const r of o.rings ?? []) {
    const cx = xs(r.x), cy = ys(clampY(r.y));
    const below = cy < (y0 + y1) / 2;
    parts.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="9" fill="none" stroke="#1f2328" stroke-width="2"/><text x="${(cx + 11).toFixed(1)}" y="${(below ? cy + 20 : cy - 11).toFixed(1)}" class="ring-label">${esc(r.label)}</text>`);
  }
  parts.push('</g>');
  (o.markers ?? []).forEach((m, i) => {
    if (!Number.isFinite(m.x) || m.x < Math.min(xlo, xhi) || m.x > Math.max(xlo, xhi)) return;
    const x = xs(m.x);
    const right = x + m.label.length * 6.6 + 8 < x1;
    const ty = y1 + 14 + (o.band ? 16 : 0) + i * 16;
    parts.push(`<line x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${y1}" y2="${y0}" stroke="${m.color}" stroke-width="2"${m.dash ? ` stroke-dasharray="${m.dash}"` : ''} class="marker"/>`);
    parts.push(`<text x="${(right ? x + 5 : x - 5).toFixed(1)}" y="${ty}" fill="${m.color}" class="marker-label" text-anchor="${right ? 'start' : 'end'}">${esc(m.label)}</text>`);
  });
  if (legendRows) {
    let lx = x0;
    for (const s of o.series.filter((q) => q.name && !q.name.startsWith('_'))) {
      parts.push(`<line x1="${lx}" x2="${lx + 18}" y1="${M.top + 2}" y2="${M.top + 2}" stroke="${s.color}" stroke-width="2.5"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`);
      parts.push(`<text x="${lx + 23}" y="${M.top + 2}" class="legend" dominant-baseline="middle">${esc(s.name)}</text>`);
      lx += 23 + s.name.length * 6.6 + 16;
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

function emptyChart(o: ChartOptions, width: number, height: number, id: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-t ${id}-d" class="chart">`
    + `<title id="${id}-t">${esc(o.title)}</title><desc id="${id}-d">${esc(o.description)}</desc>`
    + `<text x="${M.left}" y="16" class="chart-title">${esc(o.title)}</text>`
    + `<rect x="${M.left}" y="${M.top + 16}" width="${width - M.left - M.right}" height="${height - M.bottom - M.top - 16}" class="frame"/>`
    + `<text x="${width / 2}" y="${height / 2 + 8}" class="empty" text-anchor="middle">${esc(o.description)}</text></svg>`;
}

function thin(ticks: number[], max: number): number[] {
  if (ticks.length <= max) return ticks;
  const every = Math.ceil(ticks.length / max);
  return ticks.filter((_, i) => i % every === 0);
}

/** A polyline, broken where a value is not finite; long series are thinned to about 2 points per pixel column. */
function pathOf(points: [number, number][], xs: Scale, ys: (y: number) => number): string {
  const stride = Math.max(1, Math.floor(points.length / 1200));
  let d = '', pen = false;
  for (let i = 0; i < points.length; i = i + stride < points.length || i === points.length - 1 ? i + stride : points.length - 1) {
    const [x, y] = points[i]!;
    const px = xs(x), py = ys(y);
    if (!Number.isFinite(px) || !Number.isFinite(py)) { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${px.toFixed(1)},${py.toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** Colours from a perceptual sequential ramp (viridis-like), t in [0, 1]. */
export function rampColor(t: number): string {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [200, 200, 30]];
  const u = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(u)), f = u - i;
  const c = stops[i]!.map((a, k) => Math.round(a + (stops[i + 1]![k]! - a) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}
