/**
 * One panel with its axes, titles and legends, as a whole chart: the frame of
 * the run charts, the finder, the sensitivity curve and the LR schedules.
 * The caller draws the marks in the panel's coordinates (scales ranging over
 * [0, width] and [height, 0]).
 */
import type { Chart } from './chart.js';
import { group } from './element.js';
import { axisTitle, frame, gridLines, xAxis, yAxis, yAxisWidth, type AxisOptions } from './axes.js';
import { legendColumn, legendColumnWidth, legendRow, type LegendEntry } from './legend.js';
import type { Scale } from './scale.js';

export interface PlotInput {
  title: string;
  /** The panel's size in pixels. */
  width: number;
  height: number;
  /** null with a band axis drawn by the caller (xBand). */
  x: Scale | null;
  y: Scale;
  /** An x axis of categories, drawn by the caller under the panel, and the height it takes. */
  xBand?: { svg: string; height: number };
  xTitle?: string;
  yTitle?: string;
  xAxis?: AxisOptions;
  yAxis?: AxisOptions;
  /** Vertical grid lines at the x ticks (default true); horizontal ones are always drawn. */
  xGrid?: boolean;
  /** The marks, under the axes. */
  body: string;
  /** Labels over everything (boxes that must stay readable). */
  overlay?: string;
  /** A row of entries above the panel. */
  legend?: LegendEntry[];
  /** A titled column of entries right of the panel. */
  side?: { title: string; entries: LegendEntry[] };
}

export function plot(p: PlotInput): Chart {
  const top = p.legend?.length ? 34 : 12;
  const left = (p.yTitle ? 22 : 4) + yAxisWidth(p.y, p.yAxis);
  const sideWidth = p.side ? legendColumnWidth(p.side.title, p.side.entries) : 0;
  const right = p.side ? sideWidth + 28 : 18;
  const axisHeight = p.xBand ? p.xBand.height : 20;
  const bottom = axisHeight + 6 + (p.xTitle ? 20 : 0);
  const panel = gridLines(p.width, p.height, p.xGrid === false ? null : p.x, p.y, { xTicks: p.xAxis?.ticks, yTicks: p.yAxis?.ticks }) +
    frame(p.width, p.height) + p.body + (p.x ? xAxis(p.x, p.height, p.xAxis) : p.xBand?.svg ?? '') + yAxis(p.y, p.yAxis) + (p.overlay ?? '');
  let body = group(left, top, panel);
  if (p.legend?.length) body += legendRow(p.legend, left, 14).svg;
  if (p.side) body += legendColumn(p.side.title, p.side.entries, left + p.width + 22, top).svg;
  if (p.xTitle) body += axisTitle(left + p.width / 2, top + p.height + axisHeight + 4, p.xTitle);
  if (p.yTitle) body += axisTitle(12, top + p.height / 2, p.yTitle, true);
  const height = Math.max(top + p.height + bottom, p.side ? top + 24 + 17 * p.side.entries.length : 0);
  return { width: left + p.width + right, height, title: p.title, body };
}
