// A TCP proxy for partition tests: clients connect to it, it connects each one
// to the target and forwards bytes both ways. pause() stops forwarding without
// closing anything, as a network that drops packets does: both ends keep their
// sockets open and see nothing. Bytes that arrive meanwhile are held and
// delivered, in order, by resume(). close() ends every connection at once.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** redis://127.0.0.1:<port>, for clients that should go through the proxy. */
  url: string;
  /** Connections accepted and still open. */
  readonly connections: number;
  /** Bytes forwarded so far, both ways; it stands still while paused. */
  readonly forwardedBytes: number;
  pause(): void;
  resume(): void;
  close(): Promise<void>;
}

interface Leg {
  from: Socket;
  to: Socket;
  held: Buffer[];
}

export async function startTcpProxy(target: { host?: string; port: number }): Promise<TcpProxy> {
  const host = target.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const legs: Leg[] = [];
  let paused = false;
  let forwarded = 0;

  const forward = (leg: Leg, chunk: Buffer) => {
    if (paused) {
      leg.held.push(chunk);
      // Stop reading: the sender's kernel buffers fill, as over a dead link.
      leg.from.pause();
      return;
    }
    forwarded += chunk.length;
    leg.to.write(chunk);
  };

  const server: Server = createServer((client) => {
    const upstream = connect(target.port, host);
    const pair = [client, upstream];
    for (const socket of pair) {
      sockets.add(socket);
      socket.setNoDelay(true);
      // Either end closing (or failing) closes the other: only pause() is silent.
      socket.on('error', () => pair.forEach((s) => s.destroy()));
      socket.on('close', () => {
        sockets.delete(socket);
        pair.forEach((s) => s.destroy());
      });
    }
    const up: Leg = { from: client, to: upstream, held: [] };
    const down: Leg = { from: upstream, to: client, held: [] };
    legs.push(up, down);
    client.on('data', (chunk: Buffer) => forward(up, chunk));
    upstream.on('data', (chunk: Buffer) => forward(down, chunk));
    if (paused) {
      client.pause();
      upstream.pause();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get connections() {
      return Math.floor(sockets.size / 2);
    },
    get forwardedBytes() {
      return forwarded;
    },
    pause() {
      paused = true;
      for (const leg of legs) leg.from.pause();
    },
    resume() {
      paused = false;
      for (const leg of legs) {
        for (const chunk of leg.held.splice(0)) {
          forwarded += chunk.length;
          if (!leg.to.destroyed) leg.to.write(chunk);
        }
        if (!leg.from.destroyed) leg.from.resume();
      }
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
