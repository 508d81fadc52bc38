/**
 * Why the plan does something, or why a node waits: a stable code for machines (the CLI's `why`,
 * metrics, tests) and a sentence for the operator reading the log.
 */
export interface Reason {
  code: string;
  message: string;
}

export const reason = (code: string, message: string): Reason => ({ code, message });
