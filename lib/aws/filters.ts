/**
 * EC2 filter values are patterns: `*` and `?` are wildcards and `\` escapes them (EC2 API
 * reference, "Filter"). A value from the configuration (a pool name, a server tag) is meant
 * literally: a pool named `*` must not claim every address that has a pool tag.
 */
export function literalFilterValue(value: string): string {
  return value.replace(/[\\*?]/g, (c) => `\\${c}`);
}
