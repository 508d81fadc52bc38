/**
 * `npm run bench:payload`: how large a fleet's HAProxy configuration fits one SSM command.
 * Renders configurations of growing size (backend servers, then client ports), compresses them
 * as the push does, and finds the largest that fits SSM's 64 KB document limit (less the room
 * the document itself takes).
 */
import { haproxySchema } from '../lib/config/haproxySchema';
import { MAX_PAYLOAD_BYTES, encodePayload } from '../lib/haproxy/payload';
import { renderConfig, type Member } from '../lib/haproxy/render';
import { conditions, saveResults } from './results.mjs';

const id = (n: number) => `i-0${((0x9e3779b97f4a7c15n * BigInt(n + 1)) & 0xffffffffffffffffn).toString(16).padStart(16, '0')}`;
const ip = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255 || 1}`;
const members = (from: number, count: number): Member[] => Array.from({ length: count }, (_, i) => ({ instanceId: id(from + i), ip: ip(from + i) }));

function servers(count: number) {
  const h = haproxySchema.parse({ backends: [{ name: 'app', servers: { autoScalingGroup: 'app' }, port: 8080 }] });
  return encodePayload(renderConfig(h, { peers: members(0, 10), servers: { app: members(100, count) } }));
}

function ports(count: number) {
  const h = haproxySchema.parse({
    backends: Array.from({ length: count }, (_, i) => ({ name: `client-${i}`, mode: 'tcp', servers: { tags: { client: `c${i}` } }, port: 5432 })),
    listeners: Array.from({ length: count }, (_, i) => ({ port: 20000 + i, backend: `client-${i}` })),
  });
  const servers = Object.fromEntries(h.backends.map((b, i) => [b.name, members(100 + i * 2, 2)]));
  return encodePayload(renderConfig(h, { peers: members(0, 10), servers }));
}

/** The largest n for which fn(n) fits, by binary search. */
function largest(fn: (n: number) => { bytes: number }, hi: number): number {
  let lo = 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fn(mid).bytes <= MAX_PAYLOAD_BYTES) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const table = [1000, 2000, 5000].map((n) => ({ 'backend servers': n, 'payload bytes': servers(n).bytes, fits: servers(n).bytes <= MAX_PAYLOAD_BYTES }));
const maxServers = largest(servers, 100_000);
const maxPorts = largest(ports, 20_000);
console.log(`payload budget: ${MAX_PAYLOAD_BYTES} bytes (64 KB SSM limit less the document's reserve)`);
console.table(table);
console.log(`largest single backend that fits: ${maxServers} servers (10 peers)`);
console.log(`largest port-per-client layout that fits: ${maxPorts} client ports, each with its own 2-server TCP backend`);
saveResults('payload', { conditions: conditions(), budgetBytes: MAX_PAYLOAD_BYTES, table, maxServers, maxPorts });
