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
 * Options for a cross-field rule (`.superRefine(crossField(rule, ...), ALWAYS)`): it runs even when
 * a field has a problem of its own, so every problem of a file is reported together.
 */
export const ALWAYS = { when: () => true } as const;

type Path = readonly PropertyKey[];

/** What a cross-field rule may do: report a problem, and ask whether a field already has one. */
export interface RuleContext {
  /** Reports a problem, unless the field already has one (one problem per field, the first). */
  addIssue(issue: { code: 'custom'; path: Path; message: string }): void;
  /** Whether this field, or anything inside it, already has a problem of its own. */
  invalid(path: Path): boolean;
}

const within = (path: Path, prefix: Path) => prefix.length <= path.length && prefix.every((p, i) => path[i] === p);

/**
 * Runs each rule on its own. A rule must not speak about a value that was refused already (it
 * asks `invalid` first); a rule that trips over such a value anyway (a TypeError on a missing
 * part) adds nothing, and the other rules still run.
 */
export function crossField<T>(...rules: ((value: T, ctx: RuleContext) => void)[]): (value: T, ctx: z.RefinementCtx<T>) => void {
  return (value, ctx) => {
    const existing = () => ctx.issues.map((i) => i.path ?? []);
    const rc: RuleContext = {
      invalid: (path) => existing().some((p) => within(p, path)),
      addIssue: (issue) => {
        if (!existing().some((p) => within(p, issue.path))) ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
      },
    };
    for (const rule of rules) {
      try {
        rule(value, rc);
      } catch (err) {
        if (!(err instanceof TypeError)) throw err;
      }
    }
  };
}

/** A number, when the value is one. */
export const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
