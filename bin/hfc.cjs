#!/usr/bin/env node
'use strict';
// `npx hfc ...`: the operator's CLI (cli/main.ts), run from the TypeScript sources through tsx's
// scoped loader (nothing compiled to disk, no global loader registered).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { require: tsRequire } = require('tsx/cjs/api');
const { main } = tsRequire('../cli/main.ts', __filename);
main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
