/** Drives the plateau state machine over a scripted metric sequence and records what it did each epoch. */
import { initialPlateauState, plateauStep, validatePlateau, type LrChange, type Mode, type PlateauSpec, type PlateauState } from '../../bindings/plateau.js';

export interface Trace {
  /** The LR after each epoch: the one the next epoch trains with. */
  lr: number[];
  changes: (LrChange | null)[];
  /** The bad-epoch counter after each epoch (PyTorch's num_bad_epochs, Keras's wait). */
  bad: number[];
  cooldown: number[];
  state: PlateauState;
}

export function drive(spec: PlateauSpec, metrics: number[], lr0 = 1, mode: Mode = 'min', state = initialPlateauState()): Trace {
  const p = validatePlateau(spec);
  const t: Trace = { lr: [], changes: [], bad: [], cooldown: [], state };
  let lr = lr0;
  for (const m of metrics) {
    const change = plateauStep(p, mode, state, m, lr);
    if (change) lr = change.lr;
    t.lr.push(lr);
    t.changes.push(change);
    t.bad.push(state.bad);
    t.cooldown.push(state.cooldown);
  }
  return t;
}
