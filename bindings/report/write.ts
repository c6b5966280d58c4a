/** Node only: writes a sweep report's three files into a folder. */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../files/atomic.js';
import { renderSweepReport, type SweepGridFigures } from './html.js';
import { epochsCsv, summaryJson } from './files.js';
import type { SweepReportInput } from './types.js';

export interface SweepReportFiles {
  html: string;
  summary: string;
  csv: string;
}

/**
 * Writes report.html, summary.json and epochs.csv into `dir` (created if needed); returns their absolute paths.
 * `grids`: the report's loss and accuracy grids drawn elsewhere meanwhile (renderSweepGrids, e.g. on a pool worker).
 */
export async function writeSweepReport(dir: string, input: SweepReportInput, grids?: Promise<SweepGridFigures>): Promise<SweepReportFiles> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const paths: SweepReportFiles = { html: join(root, 'report.html'), summary: join(root, 'summary.json'), csv: join(root, 'epochs.csv') };
  const html = await renderSweepReport(input, grids);
  await Promise.all([
    writeFileAtomic(paths.html, html),
    writeFileAtomic(paths.summary, JSON.stringify(summaryJson(input), null, 2) + '\n'),
    writeFileAtomic(paths.csv, epochsCsv(input.results)),
  ]);
  return paths;
}
