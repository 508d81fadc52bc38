/**
 * Validates the fleet configuration once, at cold start. An invalid file fails the cold start
 * with one line per problem naming the field, before any event is read or any AWS call is made.
 */
import { ConfigError } from '../errors';
import { issueLines } from '../zodIssues';
import { configSchema, type Config, type FleetConfig } from './schema';

/**
 * Parses and validates a configuration object.
 * @param raw the parsed JSON of the configuration file
 * @param source where it came from, for the error message
 * @throws ConfigError listing every problem
 */
export function parseConfig(raw: unknown, source = 'fleet.config.json'): Config {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = issueLines(result.error);
  throw new ConfigError(`${source} is invalid:\n  ${problems.join('\n  ')}`, problems, { cause: result.error });
}

/** Parses configuration text (JSON); a syntax error is reported like any other problem. */
export function parseConfigText(text: string, source = 'fleet.config.json'): Config {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${source} is not valid JSON: ${(err as Error).message}`, [(err as Error).message], { cause: err });
  }
  return parseConfig(raw, source);
}

export type { Config, FleetConfig };
