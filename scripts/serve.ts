/**
 * A tiny static server for the playground (site/dist/), on 127.0.0.1 only:
 * GET and HEAD, the right MIME types (application/wasm, so browsers compile
 * the wasm while it downloads), no caching, nothing outside the root.
 *
 * Usage: npm run serve  (builds site/dist/ first; PORT=8080 and HOST=127.0.0.1 by default)
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SITE_DIR = fileURLToPath(new URL('../site/dist/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export interface StaticServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `root` on host:port (port 0: any free port), adding `headers` to every file (e.g. COOP/COEP for cross-origin isolation); resolves once it listens. */
export async function serveStatic(options: { root?: string; port?: number; host?: string; headers?: Record<string, string> } = {}): Promise<StaticServer> {
  const root = resolve(options.root ?? SITE_DIR);
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    let file = resolve(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return send(403, 'forbidden\n');
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-length': body.length,
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        ...options.headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      send(404, 'not found\n');
    }
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => done());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${host}:${port}/`,
    port,
    close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(process.env.PORT ?? 8080);
  const host = process.env.HOST ?? '127.0.0.1';
  try {
    await stat(join(SITE_DIR, 'index.html'));
  } catch {
    console.error('site/dist/ is not built: run `npm run build:site` (or `npm run serve`, which builds it first).');
    process.exit(1);
  }
  const server = await serveStatic({ port, host }).catch((error: NodeJS.ErrnoException) => {
    console.error(error.code === 'EADDRINUSE' ? `Port ${port} is in use: set PORT to another one (PORT=8081 npm run serve).` : error.message);
    process.exit(1);
  });
  console.log(`lrlab playground: ${server.url}  (Ctrl-C to stop)`);
}
