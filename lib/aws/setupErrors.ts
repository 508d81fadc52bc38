/**
 * Errors that mean the function cannot reach AWS at all (no credentials, no region, an endpoint
 * that does not answer, credentials AWS refuses), told as one line that says what failed and what
 * to do. They are what someone trying the functions with `serverless invoke local` meets first,
 * and a stack trace explains none of them: the stack is kept for HFC_DEBUG=true only.
 */

/** The one-line explanation of a setup error, or undefined when `err` is not one. */
export function explainSetupError(err: unknown, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { name?: string; message?: string; code?: string; cause?: { code?: string } };
  const name = e.name ?? '';
  const message = e.message ?? '';
  const endpoint = env.AWS_ENDPOINT_URL;
  if (name === 'CredentialsProviderError' || /Could not load credentials from any providers/.test(message)) {
    return endpoint
      ? `no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for the endpoint ${endpoint} (any values for the simulated account: npm run sim:serve prints them)`
      : 'no AWS credentials: configure a profile (AWS_PROFILE) or keys for a real account, or start the local endpoint with npm run sim:serve and export what it prints';
  }
  if (/Region is missing/i.test(message)) return 'no AWS region: set AWS_REGION (or a profile with a region)';
  const code = e.code ?? e.cause?.code ?? /\b(ECONNREFUSED|ENOTFOUND|ECONNRESET|EAI_AGAIN)\b/.exec(message)?.[1];
  if (code && ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'EAI_AGAIN'].includes(code)) {
    return endpoint
      ? `cannot reach AWS_ENDPOINT_URL ${endpoint} (${code}): is the endpoint running (npm run sim:serve)?`
      : `cannot reach AWS (${code}): check the network and the region (AWS_REGION=${env.AWS_REGION ?? 'unset'})`;
  }
  if (['InvalidClientTokenId', 'UnrecognizedClientException', 'ExpiredToken', 'ExpiredTokenException', 'AuthFailure', 'SignatureDoesNotMatch'].includes(name)) {
    return `AWS refused the credentials (${name}: ${message}): renew them or choose another profile`;
  }
  return undefined;
}

/** Whether stacks are wanted (HFC_DEBUG=true or 1). */
export function debugRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(1|true|yes)$/i.test(env.HFC_DEBUG ?? '');
}

/** The error to rethrow in place of a setup error: its explanation, and a one-line stack. */
export function conciseSetupError(err: Error, explanation: string): Error {
  const concise = new Error(explanation);
  concise.name = err.name || 'Error';
  concise.stack = `${concise.name}: ${explanation}`;
  return concise;
}
