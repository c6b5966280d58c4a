/**
 * Gives the event loop a turn so that an AbortSignal, a UI or a progress bar
 * can act during a long fit. setImmediate in Node; a MessageChannel in
 * browsers, where setTimeout(0) would be clamped to 4 ms.
 */
type Resolve = () => void;

let post: ((resolve: Resolve) => void) | undefined;

export function yieldToEventLoop(): Promise<void> {
  post ??= pickPoster();
  return new Promise<void>((resolve) => post!(resolve));
}

function pickPoster(): (resolve: Resolve) => void {
  const g = globalThis as { setImmediate?: (fn: Resolve) => void };
  if (typeof g.setImmediate === 'function') return (resolve) => g.setImmediate!(resolve);
  const channel = new MessageChannel();
  const waiting: Resolve[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return (resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  };
}
