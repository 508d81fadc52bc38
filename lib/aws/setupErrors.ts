/**
 * Errors that mean the function cannot reach AWS at all (no credentials, no region, an endpoint
 * that does not answer, credentials AWS refuses), told as one line that says what failed and what
 * to do, the SDK's own words kept after it. They are what someone trying the functions with
 * `serverless invoke local` meets first, and a stack trace explains none of them: off Lambda the
 * stack is left out unless HFC_DEBUG=true; in Lambda the error is logged whole, as any other.
 *
 * Only the SDK's and Node's own errors are classified (by name, code, `$metadata`), found through
 * the `cause` chain of the control plane's wrappers; a wrapper's message is never searched, and an
 * error whose causes are not all the same setup error is not one (its other failures must show).
 */

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH']);
const REFUSED = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'ExpiredToken',
  'ExpiredTokenException',
  'AuthFailure',
  'SignatureDoesNotMatch',
]);

type Failure = { name?: string; message?: string; code?: string; cause?: unknown; errors?: unknown[]; $metadata?: unknown };

/** The errors at the end of each cause chain (an AggregateError's errors each count). */
function leaves(err: unknown, depth = 0): Failure[] {
  if (!err || typeof err !== 'object' || depth > 8) return [err as Failure];
  const e = err as Failure;
  if (Array.isArray(e.errors) && e.errors.length > 0) return e.errors.flatMap((x) => leaves(x, depth + 1));
  if (e.cause !== undefined && e.cause !== err) return leaves(e.cause, depth + 1);
  return [e];
}

function explainOne(e: Failure, env: NodeJS.ProcessEnv): string | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const name = e.name ?? '';
  const message = e.message ?? '';
  const endpoint = env.AWS_ENDPOINT_URL;
  if (name === 'CredentialsProviderError') {
    if (/sso|token/i.test(message) && env.AWS_PROFILE) return `the credentials of profile ${env.AWS_PROFILE} cannot be used: ${message}`;
    return endpoint
      ? `no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the endpoint ${endpoint} (any values for the simulated account: npm run sim:serve prints them)`
      : 'no AWS credentials: configure a profile (AWS_PROFILE) or keys for a real account, or start the local endpoint with npm run sim:serve and export what it prints';
  }
  if (e.$metadata === undefined && name === 'Error' && /^Region is missing$/i.test(message))
    return 'no AWS region: set AWS_REGION (or a profile with a region)';
  if (e.code && NETWORK_CODES.has(e.code)) {
    return endpoint
      ? `cannot reach AWS_ENDPOINT_URL ${endpoint} (${message}): start the endpoint (npm run sim:serve), or unset AWS_ENDPOINT_URL to use AWS`
      : `cannot reach AWS (${message}): check the network and the region (AWS_REGION=${env.AWS_REGION ?? 'unset'})`;
  }
  if (e.$metadata !== undefined && REFUSED.has(name)) return `AWS refused the credentials (${name}: ${message}): renew them or choose another profile`;
  return undefined;
}

/** The one-line explanation of a setup error, or undefined when `err` is not (only) one. */
export function explainSetupError(err: unknown, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const explained = leaves(err).map((e) => explainOne(e, env));
  const [first] = explained;
  return first !== undefined && explained.every((x) => x === first) ? first : undefined;
}

/** Whether stacks are wanted (HFC_DEBUG=true or 1). */
export function debugRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes)$/i.test(env.HFC_DEBUG ?? '');
}

/** Off Lambda (invoke local, a script) and without HFC_DEBUG: setup errors are told without a stack. */
export function conciseSetupErrors(env: NodeJS.ProcessEnv = process.env): boolean {
  return !env.AWS_EXECUTION_ENV && !debugRequested(env);
}

/** The error to rethrow in place of a setup error: its explanation, one line of stack, the original as its cause. */
export function conciseSetupError(err: Error, explanation: string): Error {
  const concise = new Error(explanation, { cause: err });
  concise.name = err.name || 'Error';
  concise.stack = `${concise.name}: ${explanation}`;
  return concise;
}
