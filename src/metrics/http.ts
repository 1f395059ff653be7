// The /metrics endpoint: a plain node:http server (a worker should not load
// a web framework to answer one read-only path). Each scrape renders the
// registry, whose sampled gauges read the last sample, never Redis.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { errorMessage } from '../engine/errors.js';

export interface MetricsServer {
  /** http://host:port/metrics, with the port actually bound (for --port 0). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface ServeMetricsOptions {
  host: string;
  port: number;
  /** Where a failed rendering is reported (the scrape gets a 500). */
  onError?: (error: unknown) => void;
}

export async function serveMetrics(registry: Registry, options: ServeMetricsOptions): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics' && path !== '/') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: metrics are at /metrics\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('work metrics: /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => {
        response.writeHead(200, { 'content-type': registry.contentType });
        response.end(request.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        options.onError?.(error);
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('collecting metrics failed\n');
      },
    );
  });
  await listen(server, options);
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/metrics`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, { host, port }: ServeMetricsOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(new Error(`cannot serve metrics on ${host}:${port}: ${errorMessage(error)}`));
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}
