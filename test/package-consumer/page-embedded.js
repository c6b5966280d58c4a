// The same page on the embedded entry: the wasm is inside the bundle, nothing to copy or fetch.
import { runExperiment, TUTORIAL_EXPERIMENT } from 'lrlab/browser/embedded';

runExperiment({ ...TUTORIAL_EXPERIMENT, epochs: 3 }).then(
  ({ history }) => { window.lrlabResult = { status: history.status, loss: history.loss }; },
  (error) => { window.lrlabResult = { error: String(error) }; },
);
