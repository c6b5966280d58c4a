/**
 * Small multiples: one panel per (column, row) of a sweep, all sharing their
 * scales. With several rows: the column values across the top under the
 * column title, the row values at the right of each row. With one row: the
 * panels wrap after `wrap` columns, each titled "lr = 1e-3". Tick labels only
 * on the outer panels, one y title for all.
 */
import type { Chart } from './chart.js';
import { group, tag, text, textWidth } from './element.js';
import { axisTitle, frame, gridLines, TITLE_SIZE, widest, xAxis, yAxis, yAxisWidth, type AxisOptions } from './axes.js';
import { legendColumn, legendColumnWidth, legendRow, type LegendEntry } from './legend.js';
import type { Scale } from './scale.js';
import { INK } from './theme.js';

export interface GridInput {
  title: string;
  cols: string[];
  /** [''] (or []) for a single row. */
  rows: string[];
  colTitle: string;
  rowTitle: string;
  /** The panel's size in pixels. */
  cellWidth: number;
  cellHeight: number;
  /** Shared scales over [0, cellWidth] and [cellHeight, 0]. */
  x: Scale;
  y: Scale;
  xTitle: string;
  yTitle: string;
  xAxis?: AxisOptions;
  yAxis?: AxisOptions;
  /** Vertical grid lines (default false: small panels stay quiet). */
  xGrid?: boolean;
  /** The marks of a panel, or null where the grid has no trial. */
  cell(col: string, row: string): string | null;
  /** Columns before wrapping, when there is a single row (default 6). */
  wrap?: number;
  legend?: LegendEntry[];
  side?: { title: string; entries: LegendEntry[] };
}

const HEAD = 11;

export function smallMultiples(g: GridInput): Chart {
  const single = g.rows.length <= 1;
  const rows = single ? [''] : g.rows;
  const perRow = single ? Math.min(g.cols.length, g.wrap ?? 6) : g.cols.length;
  const lines = single ? Math.ceil(g.cols.length / perRow) : rows.length;
  const gapX = 10, gapY = single ? 34 : 16;
  const yw = yAxisWidth(g.y, { ...g.yAxis, size: g.yAxis?.size ?? 10 });
  const top = (g.legend?.length ? 34 : 8) + (single ? 18 : 40);
  const left = 22 + yw;
  const rowLabelWidth = single ? 0 : Math.max(textWidth(g.rowTitle, TITLE_SIZE, true), widest(rows, HEAD, true)) + 16;
  const sideWidth = g.side ? legendColumnWidth(g.side.title, g.side.entries) + 24 : 0;
  const gridWidth = perRow * g.cellWidth + (perRow - 1) * gapX;
  const gridHeight = lines * g.cellHeight + (lines - 1) * gapY;
  const at = (i: number, line: number) => ({ x: left + i * (g.cellWidth + gapX), y: top + line * (g.cellHeight + gapY) });

  let body = '';
  const slots: Array<{ col: string; row: string; i: number; line: number }> = single
    ? g.cols.map((col, k) => ({ col, row: '', i: k % perRow, line: Math.floor(k / perRow) }))
    : rows.flatMap((row, line) => g.cols.map((col, i) => ({ col, row, i, line })));
  const lastLine = (i: number) => (single ? Math.floor((g.cols.length - 1 - i) / perRow) : lines - 1);
  for (const s of slots) {
    const { x, y } = at(s.i, s.line);
    const marks = g.cell(s.col, s.row);
    const xOpts = { ...g.xAxis, size: g.xAxis?.size ?? 10, labels: s.line === lastLine(s.i) };
    const yOpts = { ...g.yAxis, size: g.yAxis?.size ?? 10, labels: s.i === 0 };
    const panel = gridLines(g.cellWidth, g.cellHeight, g.xGrid ? g.x : null, g.y, { xTicks: g.xAxis?.ticks, yTicks: g.yAxis?.ticks }) + frame(g.cellWidth, g.cellHeight) + (marks ?? '') +
      xAxis(g.x, g.cellHeight, xOpts) + yAxis(g.y, yOpts);
    body += group(x, y, panel, { class: 'cell', 'data-col': s.col, 'data-row': s.row || undefined });
    if (single) body += text(x + g.cellWidth / 2, y - 7, `${g.colTitle} = ${s.col}`, { size: HEAD, weight: 600, color: INK, anchor: 'middle' });
  }
  if (!single) {
    body += text(left + gridWidth / 2, top - 26, g.colTitle, { size: TITLE_SIZE, weight: 600, color: INK, anchor: 'middle' });
    g.cols.forEach((c, i) => { body += text(at(i, 0).x + g.cellWidth / 2, top - 7, c, { size: HEAD, weight: 600, color: INK, anchor: 'middle' }); });
    const rx = left + gridWidth + 12;
    body += text(rx, top - 7, g.rowTitle, { size: TITLE_SIZE, weight: 600, color: INK });
    rows.forEach((r, line) => { body += text(rx, at(0, line).y + g.cellHeight / 2, r, { size: HEAD, weight: 600, color: INK, baseline: 'middle' }); });
  }
  const xTitleY = top + gridHeight + 24;
  // One title per axis for the whole grid: the panels share their scales.
  body += axisTitle(left + gridWidth / 2, xTitleY, g.xTitle);
  body += axisTitle(11, top + gridHeight / 2, g.yTitle, true);
  if (g.legend?.length) body += legendRow(g.legend, left, 14).svg;
  if (g.side) body += legendColumn(g.side.title, g.side.entries, left + gridWidth + rowLabelWidth + 16, top).svg;
  return {
    width: left + gridWidth + rowLabelWidth + sideWidth + 12,
    height: Math.max(xTitleY + 22, g.side ? top + 24 + 17 * g.side.entries.length : 0),
    title: g.title,
    body: tag('g', { class: 'small-multiples' }, body),
  };
}
