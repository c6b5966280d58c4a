/**
 * The last data set a runner prepared (loaded, split, standardized), handed
 * out again when the next experiment asks for the same: a sweep's trials
 * usually differ only in the optimizer, and each trial building its data
 * afresh cost about a tenth of a small trial. The caller decides what may be
 * reused (runExperiment: generated data sets, pure functions of their spec;
 * never a CSV file, which may change between runs). One entry, so a runner
 * holds at most one data set besides the one in use; a failed preparation is
 * not kept.
 */
export class PreparedDataCache<T> {
  #key: string | undefined;
  #value: Promise<T> | undefined;

  get(key: string, prepare: () => Promise<T>): Promise<T> {
    if (key !== this.#key || !this.#value) {
      const value = prepare();
      this.#key = key;
      this.#value = value;
      value.catch(() => {
        if (this.#value === value) this.#key = this.#value = undefined;
      });
    }
    return this.#value;
  }
}
