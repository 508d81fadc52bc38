/**
 * Errors that mean AWS cannot be reached at all are told in one line with what to do, and the
 * functions rethrow them without a stack (what `serverless invoke local` prints), unless
 * HFC_DEBUG=true; every other error keeps its stack. The errors are the SDK's own: a credential
 * chain that finds nothing, and a client pointed at a port nobody listens on.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Logger } from '@aws-lambda-powertools/logger';
import { GetHostedZoneCommand, Route53Client } from '@aws-sdk/client-route-53';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { wrapHandler } from '../../lib/handlers/wrap';
import { explainSetupError } from '../../lib/aws/setupErrors';
import { ReconcileError } from '../../lib/errors';
// A port free a moment ago: nobody answers on it.
import { freePort } from '../haproxy/live';

/** The error a real client call fails with. */
async function failure(client: Route53Client): Promise<Error> {
  return client.send(new GetHostedZoneCommand({ Id: 'Z1' })).then(
    () => {
      throw new Error('expected a failure');
    },
    (e: Error) => e,
  );
}

function handlerFailingWith(err: Error, logs: string[]) {
  const logger = new Logger({ serviceName: 'test', logLevel: 'ERROR' });
  vi.spyOn(logger, 'error').mockImplementation((message: unknown, ...extra: unknown[]) => {
    logs.push(JSON.stringify([message, ...extra]));
  });
  return wrapHandler({ logger } as never, async () => {
    throw err;
  });
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('setup errors', () => {
  it('no credentials (the SDK finds none) says to configure a profile or start the local endpoint', async () => {
    vi.stubEnv('AWS_ENDPOINT_URL', '');
    delete process.env.AWS_ENDPOINT_URL;
    const err = await failure(new Route53Client({ region: 'us-east-1', credentials: fromEnv(), maxAttempts: 1 }));
    expect(explainSetupError(err, {})).toBe(
      'no AWS credentials: configure a profile (AWS_PROFILE) or keys for a real account, or start the local endpoint with npm run sim:serve and export what it prints',
    );
    expect(explainSetupError(err, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4599' })).toMatch(
      /^no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the endpoint http:\/\/127\.0\.0\.1:4599/,
    );
  });

  it('an endpoint nobody answers on says which one and what to start', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const err = await failure(
      new Route53Client({ region: 'us-east-1', endpoint: url, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 }),
    );
    expect(explainSetupError(err, { AWS_ENDPOINT_URL: url })).toBe(
      `cannot reach AWS_ENDPOINT_URL ${url} (${err.message}): start the endpoint (npm run sim:serve), or unset AWS_ENDPOINT_URL to use AWS`,
    );
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('other errors are not setup errors, and a wrapper is judged by its causes, never its message', async () => {
    expect(explainSetupError(Object.assign(new Error('x'), { name: 'Throttling', $metadata: {} }), {})).toBeUndefined();
    expect(explainSetupError(new TypeError('y is undefined'), {})).toBeUndefined();
    const noCredentials = await failure(new Route53Client({ region: 'us-east-1', credentials: fromEnv(), maxAttempts: 1 }));
    // One fleet without credentials: explained through the cause chain.
    const one = new ReconcileError('1 of 1 fleets failed', 'edge', { cause: new ReconcileError(String(noCredentials), 'edge', { cause: noCredentials }) });
    expect(explainSetupError(one, {})).toMatch(/^no AWS credentials: /);
    // A wrapper whose message mentions a network code, but whose cause is a Route 53 refusal: not a setup error.
    const refused = Object.assign(new Error('Tried to create resource record set but it already exists'), { name: 'InvalidChangeBatch', $metadata: {} });
    expect(explainSetupError(new ReconcileError('i-1 (InvalidChangeBatch) | read ECONNRESET', 'edge', { cause: refused }), {})).toBeUndefined();
    // Two fleets, one without credentials and one refused: the refusal must show.
    expect(explainSetupError(new ReconcileError('2 of 2', 'a,b', { cause: new AggregateError([noCredentials, refused]) }), {})).toBeUndefined();
    // An expired SSO session is not "no credentials": the SDK's words are kept.
    const sso = Object.assign(new Error("The SSO session associated with this profile has expired. To refresh this SSO session run 'aws sso login'"), {
      name: 'CredentialsProviderError',
    });
    expect(explainSetupError(sso, { AWS_PROFILE: 'prod' })).toBe(`the credentials of profile prod cannot be used: ${sso.message}`);
  });

  it('the handler rethrows a setup error as one line, logged without a stack; HFC_DEBUG=true keeps it', async () => {
    const sdkError = await failure(new Route53Client({ region: 'us-east-1', credentials: fromEnv(), maxAttempts: 1 }));
    const logs: string[] = [];
    const thrown = await handlerFailingWith(sdkError, logs)({}, {} as never).catch((e: Error) => e);
    expect((thrown as Error).message).toMatch(/^no AWS credentials: /);
    expect((thrown as Error).stack!.split('\n')).toHaveLength(1);
    expect(logs).toHaveLength(1);
    expect(logs[0]).not.toMatch(/\bat [^ ]+ \(/);

    expect(((thrown as Error).cause as Error).message).toBe(sdkError.message);

    vi.stubEnv('HFC_DEBUG', 'true');
    const kept = await handlerFailingWith(sdkError, [])({}, {} as never).catch((e: Error) => e);
    expect(kept).toBe(sdkError);

    // In Lambda: the explanation, and the error logged whole and rethrown as it was.
    vi.stubEnv('HFC_DEBUG', '');
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs20.x');
    const lambdaLogs: string[] = [];
    const inLambda = await handlerFailingWith(sdkError, lambdaLogs)({}, {} as never).catch((e: Error) => e);
    expect(inLambda).toBe(sdkError);
    expect(lambdaLogs[0]).toMatch(/handler failed: no AWS credentials/);
  });

  it('an unexplained error keeps its stack', async () => {
    const bug = new TypeError('cannot read properties of undefined');
    const thrown = await handlerFailingWith(bug, [])({}, {} as never).catch((e: Error) => e);
    expect(thrown).toBe(bug);
  });
});
