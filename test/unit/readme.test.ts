/**
 * What the README and the docs say holds: the benchmark figures are the ones the benchmarks
 * last printed (docs/measurements/), every citation of docs/aws-facts.md names one of its
 * sections, every relative link resolves (to a heading, when it names one), and the quick start
 * is the two commands.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIGURES, figureBlocks, figureFiles, withFigures } from '../../scripts/figures.mjs';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** Every file of these directories, recursively (no node_modules). */
function files(dirs: string[], ext: RegExp): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (ext.test(e.name)) out.push(p);
    }
  };
  for (const d of dirs) walk(d);
  return out;
}

/** The anchors GitHub gives a Markdown file's headings (fenced code left out). */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

describe('figures', () => {
  it('every figures block is what docs/measurements/ holds (rerun the benchmark, then `npm run figures`)', () => {
    const holders = figureFiles(ROOT);
    const blocks = holders.flatMap((f) => figureBlocks(read(f)));
    // A block may be shown in more than one file (the README and the page that explains it); each is checked.
    expect([...new Set(blocks)].sort()).toEqual(Object.keys(FIGURES).sort());
    for (const f of holders) expect(read(f), f).toBe(withFigures(read(f), f));
  });
});

describe('README', () => {
  it('starts with a quick start of exactly two commands', () => {
    const quick = read('README.md').split('## Quick start')[1]!.split('```')[1]!;
    expect(
      quick
        .trim()
        .split('\n')
        .map((l) => l.replace(/#.*/, '').trim()),
    ).toEqual(['sh', 'npm install && npm run demo', 'npm test']);
  });
});

describe('docs', () => {
  const facts = read('docs/aws-facts.md');
  const headings = [...facts.matchAll(/^#{2,3} (.+)$/gm)].map((m) => m[1]!.trim());

  it('every citation of docs/aws-facts.md names one of its sections', () => {
    const sources = files(['lib', 'sim', 'scripts', 'test', 'deploy', 'functions', 'docs'], /\.(ts|mts|cjs|md)$/).concat(['README.md']);
    const bad: string[] = [];
    for (const f of sources) {
      // Code cites `docs/aws-facts.md, <section>`; Markdown `[docs/aws-facts.md](<path>), <section>`.
      for (const m of read(f).matchAll(/docs\/aws-facts\.md(?:\]\([^)\s]*\))?\)?,\s*"?([A-Z][^.;)"`\n]*)/g)) {
        const cited = m[1]!.trim();
        if (!headings.some((h) => h.startsWith(cited))) bad.push(`${f}: "${cited}"`);
      }
    }
    expect(headings.length).toBeGreaterThan(20);
    expect(bad).toEqual([]);
  });

  it('no file cites an aws-facts.md the repository does not hold', () => {
    const sources = files(['lib', 'sim', 'scripts', 'test', 'deploy', 'functions'], /\.(ts|mts|cjs)$/).concat(['README.md']);
    const bare = sources.filter((f) => f !== join('test', 'unit', 'readme.test.ts') && /(?<![\w/])aws-facts\.md/.test(read(f)));
    expect(bare).toEqual([]);
  });

  it('every relative link of the README and the docs resolves, and so does the heading it names', () => {
    const docs = ['README.md', ...files(['docs'], /\.md$/)];
    const broken: string[] = [];
    for (const f of docs) {
      for (const m of read(f).matchAll(/\]\(([^)#\s]*)(?:#([^)\s]*))?\)/g)) {
        const target = m[1]!;
        const anchor = m[2];
        if (/^[a-z]+:/.test(target)) continue;
        const path = target ? join(dirname(f), target) : f;
        if (!existsSync(join(ROOT, path))) broken.push(`${f}: ${target}`);
        else if (anchor !== undefined && path.endsWith('.md') && !anchors(read(path)).has(anchor)) broken.push(`${f}: ${target}#${anchor}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
