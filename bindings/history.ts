/** What a fit records: one entry per epoch in parallel arrays (as Keras's History), a status and the events. */

export type FitStatus = 'completed' | 'stopped' | 'diverged' | 'aborted';

export interface HistoryEvent {
  epoch: number;
  step: number;
  kind: 'lr' | 'stop' | 'diverged' | 'aborted' | 'restore';
  /** For kind 'lr': the learning rate before and after. */
  oldLr?: number;
  newLr?: number;
  reason: string;
  /** For kind 'diverged': what ended the fit (a non-finite loss, or the guard's sustained explosion). */
  cause?: 'non_finite' | 'guard';
}

export interface History {
  epoch: number[];
  loss: number[];
  /** Present for classification losses (categorical and binary cross-entropy). */
  accuracy?: number[];
  valLoss?: number[];
  valAccuracy?: number[];
  /** The learning rate at the first step of each epoch. */
  lr: number[];
  /** Wall time of each epoch in milliseconds (training and validation). */
  time: number[];
  /** The LR of every step, when fit was asked to record it (recordStepLr). */
  stepLr?: number[];
  status: FitStatus;
  events: HistoryEvent[];
}

export interface EpochLogs {
  epoch: number;
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  lr: number;
  time: number;
}

export function emptyHistory(classification: boolean, validation: boolean): History {
  const history: History = { epoch: [], loss: [], lr: [], time: [], status: 'completed', events: [] };
  if (classification) history.accuracy = [];
  if (validation) history.valLoss = [];
  if (classification && validation) history.valAccuracy = [];
  return history;
}

export function recordEpoch(history: History, logs: EpochLogs): void {
  history.epoch.push(logs.epoch);
  history.loss.push(logs.loss);
  history.lr.push(logs.lr);
  history.time.push(logs.time);
  if (history.accuracy && logs.accuracy !== undefined) history.accuracy.push(logs.accuracy);
  if (history.valLoss && logs.valLoss !== undefined) history.valLoss.push(logs.valLoss);
  if (history.valAccuracy && logs.valAccuracy !== undefined) history.valAccuracy.push(logs.valAccuracy);
}
