'use strict';
/**
 * esbuild plugins for serverless-esbuild (serverless.yml custom.esbuild.plugins).
 *
 * The functions bundle their configuration (lib/handlers/baseDeps.ts imports fleet.config.json).
 * Per stage that is fleet.config.<stage>.json when it exists: the same rule, from the same code,
 * as the stack's resources (deploy/serverless-vars.cjs, lib/config/stageFile.ts), so a stage's
 * functions always run the file its hooks and IAM were generated from.
 */
const path = require('node:path');
const { require: tsRequire } = require('tsx/cjs/api');

const ROOT = path.join(__dirname, '..');

/** The plugin that points the bundle's fleet.config.json import at `file`. */
function stageConfig(file) {
  return {
    name: 'hfc-stage-config',
    setup(build) {
      build.onResolve({ filter: /(^|[\\/])fleet\.config\.json$/ }, (args) => {
        const wanted = path.resolve(args.resolveDir, args.path);
        // Only the repository's own file is swapped, never a same-named file elsewhere.
        return wanted === path.join(ROOT, 'fleet.config.json') ? { path: file } : undefined;
      });
    },
  };
}

/**
 * zod's messages in English only. `import { z } from 'zod'` keeps the whole namespace, with
 * `z.locales` and its forty-odd languages (about 250 KB of the alarm function's bundle, parsed at
 * every cold start of the failover path); nothing here uses another locale, and zod registers
 * English from the schemas module itself (zod/v4/classic/schemas.js), not through this index.
 */
function zodEnglishOnly() {
  return {
    name: 'hfc-zod-english-only',
    setup(build) {
      build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        /[\\/]zod[\\/]v4[\\/](classic[\\/]external|core[\\/]index)\.js$/.test(args.importer)
          ? { path: path.join(path.dirname(args.importer), '..', 'locales', 'index.js'), namespace: 'hfc-zod-locales' }
          : undefined,
      );
      build.onLoad({ filter: /.*/, namespace: 'hfc-zod-locales' }, (args) => ({
        contents: 'export { default as en } from "./en.js";',
        resolveDir: path.dirname(args.path),
        loader: 'js',
      }));
    },
  };
}

module.exports = (serverless) => {
  const { configFileFor } = tsRequire('../lib/config/stageFile.ts', __filename);
  const stage = serverless?.getProvider?.('aws')?.getStage?.() ?? 'dev';
  return [stageConfig(configFileFor(ROOT, stage)), zodEnglishOnly()];
};
module.exports.stageConfig = stageConfig;
module.exports.zodEnglishOnly = zodEnglishOnly;
