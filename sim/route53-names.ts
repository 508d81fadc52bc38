/**
 * DNS names as Route 53 stores, compares and lists them. Kept apart from the service model so the
 * ordering rules, which are easy to get subtly wrong, can be read on their own.
 */

/**
 * The form Route 53 returns a name in: lower case, a trailing dot, and every character other than
 * a-z, 0-9, '-' and '_' written as a three-digit octal escape (a wildcard comes back as
 * `\052.example.com.`). Code that compares names it sent with names it listed must cope with this,
 * so the simulation reproduces it instead of echoing the input.
 */
export function normaliseName(name: string): string {
  const trimmed = name.endsWith('.') && name.length > 1 ? name.slice(0, -1) : name;
  const labels = trimmed.split('.').map(escapeLabel);
  return `${labels.join('.')}.`;
}

function escapeLabel(label: string): string {
  let out = '';
  for (let i = 0; i < label.length; i += 1) {
    const ch = label[i] as string;
    // An escape already in octal form is kept as it is, so normalising twice changes nothing.
    if (ch === '\\' && /^\d{3}$/.test(label.slice(i + 1, i + 4))) {
      out += label.slice(i, i + 4);
      i += 3;
      continue;
    }
    const lower = ch.toLowerCase();
    if (/^[a-z0-9_-]$/.test(lower)) {
      out += lower;
      continue;
    }
    for (const byte of Buffer.from(ch, 'utf8')) out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return out;
}

/**
 * The key ListResourceRecordSets sorts names by: the labels reversed and joined with dots, trailing
 * dot included (`www.example.com.` sorts as `com.example.www.`), compared character by character.
 * AWS documents that the trailing dot matters when a name holds characters below '.' in ASCII,
 * such as '-': `a-b.example.com.` sorts before `b.a.example.com.`, which a label-by-label
 * comparison would put the other way round.
 */
export function dnsSortKey(normalisedName: string): string {
  const labels = normalisedName.slice(0, -1).split('.');
  return `${labels.reverse().join('.')}.`;
}

/** Compares plain strings by UTF-16 code unit, the order Route 53's listing uses. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Listing order: DNS name (labels reversed), then record type, then SetIdentifier. */
export function compareRecordKeys(a: { name: string; type: string; setIdentifier: string }, b: { name: string; type: string; setIdentifier: string }): number {
  return compareStrings(dnsSortKey(a.name), dnsSortKey(b.name)) || compareStrings(a.type, b.type) || compareStrings(a.setIdentifier, b.setIdentifier);
}

/** True when a (normalised) name is the zone apex or below it. */
export function isInZone(normalisedName: string, zoneName: string): boolean {
  return normalisedName === zoneName || normalisedName.endsWith(`.${zoneName}`);
}
