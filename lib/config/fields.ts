/**
 * Field builders that say what is allowed when a value is refused, and the one rule for
 * cross-field checks: they run with the other problems, so a file is fixed in one go.
 */
import { z } from 'zod';

/** A whole number in [min, max]; refused with the range ("must be a whole number from 1 to 10"). */
export function intIn(min: number, max: number, what = 'a whole number', message = `must be ${what} from ${min} to ${max}`) {
  return z.int({ error: message }).min(min, message).max(max, message);
}

/** One of a few literal values, refused with the list ("must be 10 or 30"). */
export function oneOfLiterals<const T extends readonly [z.core.util.Literal, ...z.core.util.Literal[]]>(values: T) {
  const shown = values.map((v) => JSON.stringify(v));
  const list = shown.length > 1 ? `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}` : shown[0];
  return z.literal(values, { error: `must be ${list}` });
}

/**
 * Options for a cross-field rule (`.superRefine(crossField(rule), ALWAYS)`): it runs even when a
 * field has a problem of its own, so every problem of a file is reported together. The value may
 * then be partly invalid; a rule that trips over a value already reported (a TypeError) adds
 * nothing.
 */
export const ALWAYS = { when: () => true } as const;

export function crossField<T>(...rules: ((value: T, ctx: z.RefinementCtx<T>) => void)[]): (value: T, ctx: z.RefinementCtx<T>) => void {
  return (value, ctx) => {
    for (const rule of rules) {
      try {
        rule(value, ctx);
      } catch (err) {
        if (!(err instanceof TypeError)) throw err;
      }
    }
  };
}

/** A number, when the value is one (cross-field rules compare only values that passed their own checks). */
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
