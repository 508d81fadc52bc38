/**
 * One scale-out burst in a process of its own (scripts/bench.mts runs each size this way): a
 * burst's course depends on nothing but its options and seed, not on what an earlier burst in
 * the same process left behind in module state. Prints the result as JSON on stdout.
 */
import { runScaleOut, type ScaleOutOptions } from './scaleout';

const opts = JSON.parse(process.argv[2] ?? '{}') as ScaleOutOptions;
const result = await runScaleOut(opts);
process.stdout.write(`${JSON.stringify(result)}\n`);
