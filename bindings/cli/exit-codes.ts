/** What lrlab's exit status means; listed in `lrlab --help` and the README. */
export const EXIT = {
  /** Done. */
  OK: 0,
  /** An error lrlab did not expect, or one of the system (disk full, permission denied while writing). */
  FAILED: 1,
  /** Refused input: a bad flag, spec, data file or --out folder; nothing was trained or changed. */
  REFUSED: 2,
  /** `train`: the training diverged (its files are written, status "diverged"). */
  DIVERGED: 3,
  /** The --out folder is in use by another lrlab run (see its lock file). */
  BUSY: 4,
  /** Interrupted (Ctrl-C): what was done is kept; a rerun resumes a sweep. */
  INTERRUPTED: 130,
} as const;

export const EXIT_CODES_HELP = `Exit status:
  0    done
  1    an unexpected error, or one of the system (disk full, permission denied)
  2    refused input (bad flag, spec, data or --out); nothing trained or changed
  3    train: the training diverged (its model, history and report are written)
  4    the --out folder is in use by another lrlab run
  130  interrupted (Ctrl-C): the work done is kept; rerun a sweep to resume it
`;
