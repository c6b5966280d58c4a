/**
 * Building SVG as text: escaped attributes and text, rounded coordinates, an
 * estimate of text widths (the report has no canvas to measure with; the
 * browser draws the text itself, so an estimate only sizes margins and boxes).
 */
import { FONT } from './theme.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for SVG content and attribute values (labels come from user data). */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** A coordinate with at most 1 decimal ("12.5", "3", never "NaN": non-finite becomes 0); a tenth of a pixel is below what a screen shows. */
export function px(v: number): string {
  // String(Math.round(v * 10) / 10), written from the integer tenths: the tens of thousands of coordinates
  // of a sweep report then take integer-to-text conversions, not the shortest-decimal search of a fraction.
  const tenths = Math.round(v * 10);
  if (tenths - tenths !== 0) return '0'; // NaN, ±Infinity
  const digit = tenths % 10;
  if (digit === 0) return String(tenths / 10);
  const a = Math.abs(tenths);
  return `${tenths < 0 ? '-' : ''}${(a - Math.abs(digit)) / 10}.${Math.abs(digit)}`;
}

type Attrs = Record<string, string | number | undefined | null | false>;

/** One element; attributes that are undefined, null or false are left out; content is already SVG. */
export function tag(name: string, attrs: Attrs, content?: string): string {
  let out = `<${name}`;
  // for…in visits a plain object's keys in the order Object.entries does, without an array per element.
  for (const k in attrs) {
    const v = attrs[k];
    if (v === undefined || v === null || v === false) continue;
    out += ` ${k}="${typeof v === 'number' ? px(v) : esc(v)}"`;
  }
  return content === undefined ? `${out}/>` : `${out}>${content}</${name}>`;
}

/** A group, translated. */
export function group(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return tag('g', { ...attrs, transform: x || y ? `translate(${px(x)},${px(y)})` : undefined }, content);
}

/** The width of a text in pixels, estimated: 0.58 em a character (0.62 in bold), narrow punctuation less. */
export function textWidth(text: string, size: number, bold = false): number {
  let ems = 0;
  for (const c of text) ems += /[.,:;'|!il1()\[\] ]/.test(c) ? 0.32 : /[mwMW%@]/.test(c) ? 0.86 : 0.58;
  return ems * size * (bold ? 1.07 : 1);
}

export interface TextOptions {
  size?: number;
  color?: string;
  weight?: number;
  anchor?: 'start' | 'middle' | 'end';
  /** Where y is: the text's baseline ('alphabetic'), its middle, or its top ('hanging'). */
  baseline?: 'alphabetic' | 'middle' | 'hanging';
  rotate?: number;
}

/** A text at (x, y); the text is escaped. */
export function text(x: number, y: number, content: string, o: TextOptions = {}): string {
  // dominant-baseline is not honoured everywhere; shifting y by a fraction of the size is.
  const size = o.size ?? 11;
  const dy = o.baseline === 'middle' ? size * 0.35 : o.baseline === 'hanging' ? size * 0.8 : 0;
  return tag('text', {
    x: o.rotate ? 0 : x, y: o.rotate ? 0 : y + dy,
    transform: o.rotate ? `translate(${px(x)},${px(y + dy)}) rotate(${o.rotate})` : undefined,
    'font-size': size, 'font-weight': o.weight && o.weight !== 400 ? o.weight : undefined,
    fill: o.color, 'text-anchor': o.anchor && o.anchor !== 'start' ? o.anchor : undefined,
  }, esc(content));
}

/**
 * The <svg> of one chart: sized in pixels and by its viewBox (so CSS may scale it down), white,
 * with a <title> for screen readers. `id` must be unique in the page (the figure's id).
 */
export function svgDocument(width: number, height: number, id: string, title: string, body: string): string {
  const w = Math.ceil(width), h = Math.ceil(height);
  const titleId = `${id}-title`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-labelledby="${esc(titleId)}"` +
    ` font-family="${esc(FONT)}" fill="#1f2328"><title id="${esc(titleId)}">${esc(title)}</title>` +
    `<rect width="${w}" height="${h}" fill="white"/>${body}</svg>`;
}
