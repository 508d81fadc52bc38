/**
 * What the README and the docs say holds: the benchmark figures are the ones the benchmarks
 * last printed (docs/measurements/), every citation of docs/aws-facts.md names one of its
 * sections, every relative link resolves, and the quick start is the two commands.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withFigures } from '../../scripts/figures.mjs';

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

describe('README', () => {
  it('its benchmark figures are what docs/measurements/ holds (rerun the benchmark, then `npm run figures`)', () => {
    const readme = read('README.md');
    expect(readme).toContain('<!-- figures:bench -->');
    expect(readme).toContain('<!-- figures:bundle -->');
    expect(readme).toContain('<!-- figures:payload -->');
    expect(readme).toBe(withFigures(readme));
  });

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
      for (const m of read(f).matchAll(/docs\/aws-facts\.md\)?,\s*"?([A-Z][^.;)"`\n]*)/g)) {
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

  it('every relative link of the README and the docs resolves', () => {
    const docs = ['README.md', ...files(['docs'], /\.md$/)];
    const broken: string[] = [];
    for (const f of docs) {
      for (const m of read(f).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        if (!existsSync(join(ROOT, dirname(f), target))) broken.push(`${f}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
