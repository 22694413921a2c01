/**
 * `npm run -s simulate -- --model resnet50 --width 224 --height 224 --precision int8 [--accelerator t4] [--json]`
 * Memory and performance figures for one configuration; see docs/simulator.md. Exit 2 on bad arguments.
 */
import { simulateCli } from "../src/pipeline/simulate/cli.ts";

const result = simulateCli(process.argv.slice(2));
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.code;
