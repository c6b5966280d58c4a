/** A drawn chart before it becomes an <svg>: its size, a title for screen readers and its content. */
import { svgDocument } from './element.js';

export interface Chart {
  width: number;
  height: number;
  /** What the chart shows, in a few words (the SVG's <title>). */
  title: string;
  body: string;
}

/** The chart as a standalone <svg>; `id` (unique in the page) names its <title>. */
export function chartSvg(chart: Chart, id: string): string {
  return svgDocument(chart.width, chart.height, id, chart.title, chart.body);
}
