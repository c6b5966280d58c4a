/**
 * Warnings: input lrlab accepts but that is probably not what was meant (a label
 * column with one class). They go to console.warn as one "lrlab: warning: …"
 * line, which a worker thread forwards to the main process's stderr. Each is
 * said once per thread: a CSV read again (the CLI checks it, then trains; a
 * sweep's trials) must not repeat the same line.
 */
const said = new Set<string>();

export function warn(message: string): void {
  if (said.has(message)) return;
  said.add(message);
  console.warn(`lrlab: warning: ${message}`);
}
