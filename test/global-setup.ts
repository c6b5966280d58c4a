// Rebuilds, before the tests, everything the tests run in compiled form, so that none ever runs a
// stale copy of the sources: dist/ (tsc's output; its declarations are the packed package's types;
// tsc is incremental, so this is quick when little changed), the package's Node entry
// (build/node/lrlab.js), the pool's worker bundle, the CLI bundle (build/cli/, which bin/lrlab.js
// runs) and the browser build (build/browser/, site/dist/).
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build:dist'], { stdio: 'inherit' });
  execFileSync('npm', ['run', '--silent', 'build:node'], { stdio: 'inherit' });
  execFileSync('npm', ['run', '--silent', 'build:worker'], { stdio: 'inherit' });
  execFileSync('npm', ['run', '--silent', 'build:cli'], { stdio: 'inherit' });
  execFileSync('npm', ['run', '--silent', 'build:site'], { stdio: 'inherit' });
}
