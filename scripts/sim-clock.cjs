/**
 * Preloaded into a process that talks to the served simulated account (`NODE_OPTIONS=--require
 * .../scripts/sim-clock.cjs`, with HFC_SIM_CLOCK_FILE naming the file `npm run sim:serve` keeps):
 * the process's clock runs as far ahead of the wall clock as the account's does, so when the
 * control endpoint moves the account's time on (a hold-down, a drain delay), the functions run by
 * `serverless invoke local` see the same time. A test and demo tool like the served account:
 * the product's code knows nothing of it; without HFC_SIM_CLOCK_FILE it does nothing.
 */
'use strict';
const { readFileSync } = require('node:fs');

const file = process.env.HFC_SIM_CLOCK_FILE;
// Only for a process that talks to a local endpoint: a shell that kept these variables must never
// sign requests to real AWS with a moved clock (AWS refuses a request whose time is off by more
// than 5 minutes).
const local = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\/?$/.test(process.env.AWS_ENDPOINT_URL ?? '');
if (file && local) {
  let offset = 0;
  try {
    offset = Number(readFileSync(file, 'utf8').trim()) || 0;
  } catch {
    // The server has not written it (yet): the wall clock.
  }
  if (offset !== 0) {
    const RealDate = Date;
    // A function, not a class: `Date()` without `new` must still give the (moved) time as a string.
    const SimDate = function SimDate(...args) {
      if (!new.target) return new RealDate(RealDate.now() + offset).toString();
      return Reflect.construct(RealDate, args.length === 0 ? [RealDate.now() + offset] : args, new.target);
    };
    Object.setPrototypeOf(SimDate, RealDate);
    SimDate.prototype = RealDate.prototype;
    SimDate.now = () => RealDate.now() + offset;
    globalThis.Date = SimDate;
  }
}
