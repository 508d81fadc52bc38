/**
 * AWS JSON 1.0 (CloudWatch) and 1.1 (SSM): the operation is `X-Amz-Target: <Prefix>.<Op>`, input
 * and output are JSON documents read and written by the SDK's own JSON codec from the schemas
 * (timestamps as epoch seconds, blobs as base64). Errors are `{"__type", "message"}`; CloudWatch,
 * query-compatible, also sends its query error code in `x-amzn-query-error: Code;Sender`.
 */
import { JsonCodec } from '@smithy/core/protocols';
import { errorShapes } from '../errorShapes';
import type { WireService } from './services';

const codec = () => new JsonCodec({ timestampFormat: { useTrait: true, default: 7 }, jsonName: false } as never);

export function jsonOperation(wire: WireService, target: string): string | undefined {
  return wire.target && target.startsWith(`${wire.target}.`) ? target.slice(wire.target.length + 1) : undefined;
}

export function jsonInput(schema: unknown, body: string): Record<string, unknown> {
  const parsed = body.trim() ? JSON.parse(body) : {};
  return (codec().createDeserializer() as unknown as { readObject(s: unknown, v: unknown): Record<string, unknown> }).readObject(schema, parsed) ?? {};
}

export function jsonOutput(schema: unknown, value: object): string {
  const s = codec().createSerializer() as unknown as { write(s: unknown, v: unknown): void; flush(): unknown };
  s.write(schema, value);
  const out = s.flush();
  if (typeof out === 'string') return out;
  if (out instanceof Uint8Array) return Buffer.from(out).toString('utf8');
  // A unit output (no members) leaves the serialiser's empty buffer.
  return '{}';
}

export function jsonContentType(wire: WireService): string {
  return `application/x-amz-json-${wire.protocol === 'awsJson1_0' ? '1.0' : '1.1'}`;
}

export function jsonError(wire: WireService, code: string, message: string, status: number): { headers: Record<string, string>; body: string } {
  if (!wire.queryCompatible) {
    return { headers: { 'x-amzn-errortype': code }, body: JSON.stringify({ __type: `${wire.namespace}#${code}`, message }) };
  }
  // Query-compatible (CloudWatch): `__type` is the modelled shape, the header its query code
  // (ValidationException travels as `ValidationError;Sender`). `code` may be either.
  const errors = errorShapes(wire.module);
  const shape = errors.find((e) => e.name === code) ?? errors.find((e) => e.queryCode === code);
  const queryCode = shape?.queryCode ?? code;
  return {
    headers: { 'x-amzn-errortype': shape?.name ?? code, 'x-amzn-query-error': `${queryCode};${status >= 500 ? 'Receiver' : 'Sender'}` },
    body: JSON.stringify({ __type: `${wire.namespace}#${shape?.name ?? code}`, message }),
  };
}
