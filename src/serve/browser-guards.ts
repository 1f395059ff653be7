// What keeps other web sites out. A browser attaches no token on its own
// (tokens travel in the Authorization header, never in cookies), but it will
// still send a form POST to any address a page names, and a DNS name that a
// site re-points at 127.0.0.1 makes its pages same-origin with this server.
// So a request that says it comes from another origin is refused, and
// without tokens only requests addressed to a loopback name are answered.
import type { FastifyRequest } from 'fastify';

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** The Host header without its port. */
export function hostName(host: string): string {
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
}

/** Why the request is refused as coming from another site, or undefined. */
export function crossSiteProblem(request: Pick<FastifyRequest, 'headers' | 'protocol'>, noAuth: boolean): string | undefined {
  const host = request.headers.host ?? '';
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `${request.protocol}://${host}`) {
    return 'requests from another origin are refused: call this API from its own page, or without an Origin header';
  }
  if (noAuth && !LOOPBACK_HOST.test(hostName(host))) {
    return 'without tokens (--insecure-no-auth) this server answers only requests addressed to 127.0.0.1, localhost or [::1]';
  }
  return undefined;
}
