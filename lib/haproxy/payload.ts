/**
 * How a rendered configuration travels to the nodes: gzip, then base64, as one SSM Run Command
 * parameter, with its digest and a version. SSM limits a document and its parameter values to
 * 64 KB together (docs/aws-facts.md, SSM: Run Command), so the payload must fit what the document leaves free.
 */
import { gzipSync } from 'node:zlib';
import { configDigest } from './render';

/** SSM's limit on a document with its runtime parameter values. */
export const SSM_DOCUMENT_LIMIT_BYTES = 64 * 1024;
/**
 * Room left for the document itself (about 25.6 KB: its script without comments, and schema; the
 * local peer report, with its guards against a reused pid and its reading of -f directories, took
 * it past the 25.6 KB a 27 KB reserve leaves) and the other parameters: what the payload may use
 * is the rest.
 */
export const DOCUMENT_RESERVE_BYTES = 28 * 1024;
export const MAX_PAYLOAD_BYTES = SSM_DOCUMENT_LIMIT_BYTES - DOCUMENT_RESERVE_BYTES;

export interface Payload {
  /** base64(gzip(text)). */
  payload: string;
  /** sha256 of the text: what the node verifies and records. */
  digest: string;
  /** Bytes the payload takes in the SendCommand request. */
  bytes: number;
}

export function encodePayload(text: string): Payload {
  const payload = gzipSync(Buffer.from(text, 'utf8'), { level: 9 }).toString('base64');
  return { payload, digest: configDigest(text), bytes: Buffer.byteLength(payload) };
}

/** Thrown when a configuration does not fit one SSM command. */
export class PayloadTooLargeError extends RangeError {
  constructor(readonly bytes: number) {
    super(`the rendered HAProxy configuration is ${bytes} bytes compressed; one SSM command carries at most ${MAX_PAYLOAD_BYTES}`);
    this.name = 'PayloadTooLargeError';
  }
}

export function checkedPayload(text: string): Payload {
  const p = encodePayload(text);
  if (p.bytes > MAX_PAYLOAD_BYTES) throw new PayloadTooLargeError(p.bytes);
  return p;
}
