// The web page: three static files, read once at start-up and served as
// they are (no bundler, no build step of their own). They hold no data; the
// page's script fetches the API with the token the person types in.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

const PAGE_DIR = new URL('../page/', import.meta.url);

const ASSETS = [
  { path: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { path: '/assets/app.js', file: 'app.js', type: 'text/javascript; charset=utf-8' },
  { path: '/assets/app.css', file: 'app.css', type: 'text/css; charset=utf-8' },
] as const;

export function pageRoutes(app: FastifyInstance): void {
  for (const { path, file, type } of ASSETS) {
    const content = readFileSync(new URL(file, PAGE_DIR));
    app.get(path, { config: { access: 'public' } }, (_request, reply) => reply.type(type).send(content));
  }
  // Browsers ask for it unprompted; there is none.
  app.get('/favicon.ico', { config: { access: 'public' } }, (_request, reply) => reply.code(204).send());
}
