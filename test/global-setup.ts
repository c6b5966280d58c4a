// Rebuilds the worker bundle and the browser build (build/browser/, site/dist/) before the tests,
// so neither the pool nor the browser tests ever run a stale copy of the sources.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build:worker'], { stdio: 'inherit' });
  execFileSync('npm', ['run', '--silent', 'build:site'], { stdio: 'inherit' });
}
