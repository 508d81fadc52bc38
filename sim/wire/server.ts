/**
 * The simulated account served over HTTP on 127.0.0.1, as one AWS endpoint for all five services
 * (`AWS_ENDPOINT_URL`): the SDK sends every service's calls to it and the credential scope of
 * each request's signature says which service it is for. Paths under `/_sim/` are the control
 * endpoint (given by the caller: scripts/simControl.mts), everything else is AWS
 * (sim/wire/dispatch.ts). Only this machine's clients are served: a request must name a loopback
 * host, and a browser's (it carries `Origin`) is refused, so no web page can drive the account.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SimAccount } from '../account';
import { Dispatcher, type WireResponse } from './dispatch';

/** What answers `/_sim/...`: given the method, path, query and body, a JSON-able reply or a status and message. */
export type ControlHandler = (method: string, path: string, query: URLSearchParams, body: string) => Promise<{ status?: number; body: unknown }>;

export interface ServedAccount {
  server: Server;
  url: string;
  port: number;
  dispatcher: Dispatcher;
  close(): Promise<void>;
}

const MAX_BODY = 8 * 1024 * 1024;

/** Why a request is refused, or undefined: it must name a loopback host and not come from a browser. */
function refusal(req: IncomingMessage): string | undefined {
  if (req.headers.origin !== undefined) return 'the simulated account does not serve browsers (the request carries Origin)';
  const host = (req.headers.host ?? '').replace(/:\d+$/, '');
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host))
    return `the simulated account serves only this machine's clients (Host ${req.headers.host ?? 'missing'})`;
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error(`request body over ${MAX_BODY} bytes`));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function serveAccount(
  account: SimAccount,
  opts: { port?: number; control?: ControlHandler; log?: (line: string) => void } = {},
): Promise<ServedAccount> {
  const dispatcher = new Dispatcher(account);
  const server = createServer(async (req, res) => {
    let reply: WireResponse;
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const refused = refusal(req);
      const body = refused ? '' : await readBody(req);
      if (refused) {
        reply = { status: 403, headers: { 'content-type': 'application/json' }, body: `${JSON.stringify({ error: refused })}\n` };
      } else if (url.pathname === '/_sim' || url.pathname.startsWith('/_sim/')) {
        if (!opts.control) reply = { status: 404, headers: { 'content-type': 'application/json' }, body: '{"error":"no control endpoint"}' };
        else {
          try {
            const out = await opts.control(req.method ?? 'GET', url.pathname, url.searchParams, body);
            reply = { status: out.status ?? 200, headers: { 'content-type': 'application/json' }, body: `${JSON.stringify(out.body, null, 2)}\n` };
          } catch (err) {
            reply = { status: 400, headers: { 'content-type': 'application/json' }, body: `${JSON.stringify({ error: (err as Error).message })}\n` };
          }
        }
      } else {
        reply = await dispatcher.handle({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
        opts.log?.(`${reply.status} ${reply.operation ?? `${req.method} ${url.pathname}`}${reply.error ? ` ${reply.error}` : ''}`);
      }
    } catch (err) {
      // Only reading the request can fail here (the dispatcher answers every AWS error itself).
      const tooLarge = /over \d+ bytes/.test((err as Error).message);
      reply = {
        status: tooLarge ? 413 : 400,
        headers: { 'content-type': 'text/xml' },
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse><Error><Type>Sender</Type><Code>${tooLarge ? 'RequestEntityTooLarge' : 'MalformedRequest'}</Code><Message>simulated account: ${(err as Error).message.replace(/[<&]/g, ' ')}</Message></Error></ErrorResponse>`,
      };
    }
    res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
    res.end(reply.body);
  });
  // Keep idle connections longer than clients do (a client reusing a socket the server has just
  // closed gets "other side closed"); close() ends them all, so none keeps a stopped server waiting.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    dispatcher,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
