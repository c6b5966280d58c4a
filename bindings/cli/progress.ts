/**
 * Progress for long commands: a redrawn bar with ETA on a terminal, plain
 * lines (one per finished item, every few seconds at most) when output is a
 * file or a pipe, so logs stay readable.
 */
export interface Progress {
  update(done: number, total: number, note?: string): void;
  finish(message: string): void;
}

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  const started = performance.now();
  const tty = stream.isTTY === true;
  let lastLine = 0;
  const eta = (done: number, total: number): string => {
    if (done === 0) return 'ETA --';
    const seconds = ((performance.now() - started) / 1000 / done) * (total - done);
    return `ETA ${formatSeconds(seconds)}`;
  };
  return {
    update(done, total, note = '') {
      if (tty) {
        const width = 28;
        const filled = Math.round((done / Math.max(1, total)) * width);
        const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
        stream.write(`\r${label} ${bar} ${done}/${total} ${eta(done, total)} ${note}`.slice(0, (stream.columns ?? 100) - 1).padEnd((stream.columns ?? 100) - 1));
        return;
      }
      const now = performance.now();
      if (done === total || now - lastLine > 2000) {
        lastLine = now;
        stream.write(`${label}: ${done}/${total} ${eta(done, total)}${note ? ` (${note})` : ''}\n`);
      }
    },
    finish(message) {
      if (tty) stream.write('\r' + ' '.repeat((stream.columns ?? 100) - 1) + '\r');
      stream.write(`${label}: ${message} in ${formatSeconds((performance.now() - started) / 1000)}\n`);
    },
  };
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - 60 * m)} s`;
}
