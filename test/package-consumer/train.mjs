// Plain Node, no loader: import lrlab, train the tutorial model a few epochs, print the losses.
// LRLAB_LOADED_LOG names a file that the resolve hook of spy-imports.mjs appends every loaded URL to.
import { runExperiment, TUTORIAL_EXPERIMENT } from 'lrlab';

const { history } = await runExperiment({ ...TUTORIAL_EXPERIMENT, epochs: 3 });
console.log(JSON.stringify({ status: history.status, loss: history.loss }));
