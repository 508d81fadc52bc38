/** Recognising AWS errors by their wire code, the one thing stable across SDK versions. */

/** The AWS error code of `err` (`InvalidChangeBatch`, `Throttling`, ...), if it is an AWS error. */
export function awsErrorCode(err: unknown): string | undefined {
  if (err && typeof err === 'object' && '$metadata' in err && 'name' in err) return String((err as { name: unknown }).name);
  return undefined;
}

export function isAwsError(err: unknown, ...codes: string[]): boolean {
  const code = awsErrorCode(err);
  return code !== undefined && codes.includes(code);
}

/** `Code: message` for logs and wrapped errors. */
export function describeAwsError(err: unknown): string {
  const e = err as Error;
  return `${awsErrorCode(err) ?? e?.name ?? 'Error'}: ${e?.message ?? String(err)}`;
}

/** Throttling as the SDK's retry strategy classifies it (these codes are retried with back-off). */
export function isThrottling(err: unknown): boolean {
  return isAwsError(err, 'Throttling', 'ThrottlingException', 'PriorRequestNotComplete', 'RequestLimitExceeded', 'TooManyRequestsException');
}
