/**
 * Where a command's time goes, for the startup benchmark (bench/startup.ts):
 * with LRLAB_PHASES=1 in the environment a command marks its phases, and
 * prints them at its end on stderr as one line,
 *   lrlab: phases {"name": ms since the process started, …}
 * Inert (nothing recorded, nothing printed) when the variable is unset.
 */
const on = process.env.LRLAB_PHASES === '1';
const marks: Record<string, unknown> = {};

/** Records that phase `name` ended now (ms on performance.now(), which starts with the process). */
export function markPhase(name: string): void {
  if (on) marks[name] = Math.round(performance.now());
}

/** Records a figure that is not a moment (e.g. a thread's busy time). */
export function notePhase(name: string, value: unknown): void {
  if (on) marks[name] = value;
}

export function printPhases(): void {
  if (on) process.stderr.write(`lrlab: phases ${JSON.stringify(marks)}\n`);
}
