// Rebuilds the worker bundle before the tests, so the pool never runs a stale copy of the sources.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build:worker'], { stdio: 'inherit' });
}
