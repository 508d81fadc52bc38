/**
 * The esbuild options the deployed functions are built with, read from serverless.yml's
 * `custom.esbuild` (serverless-esbuild's settings), so what the benchmarks and tests bundle is
 * what `serverless deploy` bundles. Only the keys esbuild itself takes are returned. Also each
 * function's floor (scripts/floor/) built the same way, and the environment the functions run with.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { BuildOptions } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
/** serverless-esbuild's own keys, not esbuild's. */
const PLUGIN_ONLY = new Set(['outputFileExtension', 'exclude']);

function scalar(text: string): unknown {
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^\[.*\]$/.test(text))
    return text
      .slice(1, -1)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return text;
}

/** The `custom.esbuild` block of serverless.yml, as esbuild options. */
export function deployedEsbuildOptions(): BuildOptions {
  const lines = readFileSync(join(ROOT, 'serverless.yml'), 'utf8').split('\n');
  const start = lines.indexOf('  esbuild:');
  if (start < 0) throw new Error('serverless.yml: custom.esbuild not found');
  const options: Record<string, unknown> = {};
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#|$)/.test(line)) continue;
    const m = /^ {4}([A-Za-z]+): (.+)$/.exec(line);
    if (!m) {
      if (/^ {0,2}\S/.test(line)) break; // the next key of custom, or the next top-level section
      throw new Error(`serverless.yml: custom.esbuild: cannot read "${line.trim()}"`);
    }
    if (m[1] === 'plugins') {
      // serverless-esbuild's plugins file: a function of the serverless instance (none here: stage dev).
      const plugins = createRequire(import.meta.url)(join(ROOT, m[2]!.trim()));
      options.plugins = typeof plugins === 'function' ? plugins(undefined) : plugins;
    } else if (!PLUGIN_ONLY.has(m[1]!)) options[m[1]!] = scalar(m[2]!.trim());
  }
  return options as BuildOptions;
}

/** Options to bundle one function as deployed, into `outfile`. */
export function functionBundle(fn: string, outfile?: string): BuildOptions {
  return { ...deployedEsbuildOptions(), entryPoints: [join(ROOT, 'functions', `${fn}.ts`)], ...(outfile ? { outfile } : {}), logLevel: 'error' };
}

/**
 * Options to bundle one function's floor (scripts/floor/<fn>.ts: the SDK clients the function's
 * bundle carries, constructed with one command each, nothing sent) exactly as the function is.
 */
export function floorBundle(fn: string, outfile?: string): BuildOptions {
  return { ...functionBundle(fn, outfile), entryPoints: [join(ROOT, 'scripts', 'floor', `${fn}.ts`)] };
}

/**
 * The environment every deployed function runs with (serverless.yml's `provider.environment`:
 * NODE_OPTIONS, the SDK's and Powertools' settings), so a module is loaded as Lambda loads it.
 */
export function deployedEnvironment(): Record<string, string> {
  const lines = readFileSync(join(ROOT, 'serverless.yml'), 'utf8').split('\n');
  const start = lines.indexOf('  environment:', lines.indexOf('provider:'));
  if (start < 0) throw new Error('serverless.yml: provider.environment not found');
  const env: Record<string, string> = {};
  for (const line of lines.slice(start + 1)) {
    if (/^\s*(#|$)/.test(line)) continue;
    const m = /^ {4}([A-Z_][A-Z0-9_]*): (.+)$/.exec(line);
    if (!m) break;
    env[m[1]!] = m[2]!.trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  if (!env.NODE_OPTIONS) throw new Error('serverless.yml: provider.environment.NODE_OPTIONS not found');
  return env;
}
