/** Node only: writes a sweep report's three files into a folder. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { renderSweepReport } from './html.js';
import { epochsCsv, summaryJson } from './files.js';
import type { SweepReportInput } from './types.js';

export interface SweepReportFiles {
  html: string;
  summary: string;
  csv: string;
}

/** Writes report.html, summary.json and epochs.csv into `dir` (created if needed); returns their absolute paths. */
export async function writeSweepReport(dir: string, input: SweepReportInput): Promise<SweepReportFiles> {
  const root = resolve(dir);
  await mkdir(root, { recursive: true });
  const paths: SweepReportFiles = { html: join(root, 'report.html'), summary: join(root, 'summary.json'), csv: join(root, 'epochs.csv') };
  const html = await renderSweepReport(input);
  await Promise.all([
    writeFile(paths.html, html, 'utf8'),
    writeFile(paths.summary, JSON.stringify(summaryJson(input), null, 2) + '\n', 'utf8'),
    writeFile(paths.csv, epochsCsv(input.results), 'utf8'),
  ]);
  return paths;
}
