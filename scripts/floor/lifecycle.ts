/**
 * The lifecycle function's floor (npm run bench:bundle): the SDK clients its bundle carries
 * (Route 53, Auto Scaling, EC2, CloudWatch, SSM), each constructed with the function's settings
 * and one command, and nothing sent. Bundled with the function's own esbuild options, its module
 * load is what the function's cannot go below.
 */
import { allClients } from './clients';

export const { clients, commands } = allClients();
