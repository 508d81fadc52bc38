/**
 * EC2 filter values are patterns (EC2 API reference, "Filter"): `*` matches zero or more
 * characters, `?` zero or one, and `\` escapes either (or itself). A value of `*` therefore
 * matches every value: the adapters escape literal values (lib/aws/filters.ts).
 */
const cache = new Map<string, RegExp>();

function toRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    let out = '';
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!;
      if (c === '\\' && i + 1 < pattern.length) out += escapeChar(pattern[++i]!);
      else if (c === '*') out += '.*';
      else if (c === '?') out += '.?';
      else out += escapeChar(c);
    }
    re = new RegExp(`^${out}$`, 's');
    cache.set(pattern, re);
  }
  return re;
}

const escapeChar = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Whether `value` matches any of the filter's values. */
export function filterMatches(values: readonly string[], value: string | undefined): boolean {
  return value !== undefined && values.some((p) => toRegExp(p).test(value));
}
