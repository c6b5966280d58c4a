/**
 * Warnings: input lrlab accepts but that is probably not what was meant (a label
 * column with one class). They go to console.warn as one "lrlab: warning: …"
 * line, which a worker thread forwards to the main process's stderr.
 */
export function warn(message: string): void {
  console.warn(`lrlab: warning: ${message}`);
}
