/**
 * The scheduled reconcile's floor (npm run bench:bundle): the same SDK clients as the lifecycle
 * function's (its bundle carries the same five), each constructed with the function's settings
 * and one command, and nothing sent.
 */
import { allClients } from './clients';

export const { clients, commands } = allClients();
