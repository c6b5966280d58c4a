/** Node only: writes a sweep report's three files into a folder. */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../files/atomic.js';
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
    writeFileAtomic(paths.html, html),
    writeFileAtomic(paths.summary, JSON.stringify(summaryJson(input), null, 2) + '\n'),
    writeFileAtomic(paths.csv, epochsCsv(input.results)),
  ]);
  return paths;
}
