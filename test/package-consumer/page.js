// The page that vite and esbuild bundle: the tutorial model, a few epochs, trained in the browser.
// window.lrlabResult is what the test reads: the losses, to compare with Node's, bit for bit.
import { runExperiment, TUTORIAL_EXPERIMENT } from 'lrlab/browser';

// esbuild copies no `new URL(…, import.meta.url)` asset: the esbuild page names the wasm it copied (?wasm=…).
const wasm = new URLSearchParams(location.search).get('wasm') ?? undefined;
runExperiment({ ...TUTORIAL_EXPERIMENT, epochs: 3 }, wasm ? { wasm: new URL(wasm, location.href) } : {}).then(
  ({ history }) => { window.lrlabResult = { status: history.status, loss: history.loss }; },
  (error) => { window.lrlabResult = { error: String(error) }; },
);
