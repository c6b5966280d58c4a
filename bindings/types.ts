/** Public types of lrlab, in one place. */

/** A dense row-major matrix of f32. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/**
 * A labelled data set: inputs `x` (n × features) and targets `y` (n × outputs).
 * For classification `y` is one-hot and `labels` keeps the integer class of each row.
 */
export interface Dataset {
  x: Matrix;
  y: Matrix;
  labels?: Int32Array;
  classes?: number;
  name?: string;
}
