// A TCP port on 127.0.0.1 that nothing listens on (it was free a moment ago):
// connecting to it is refused at once.
import { createServer } from 'node:net';

export async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
