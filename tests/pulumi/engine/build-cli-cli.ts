/**
 * `npx tsx tests/pulumi/engine/build-cli-cli.ts`: builds the Pulumi CLI into the cache before jest runs (a
 * cold build takes far longer than any test timeout). Without Go it says so loudly and exits 0 locally; under
 * CI=true it fails, as the suite would.
 */
import { IN_CI } from '../../e2e/harness/availability';
import { goBinary } from '../../e2e/harness/go-tool';
import { PULUMI_CLI_VERSION, buildPulumiCli, cliBuilt } from './build-cli';

if (goBinary === '') {
  const message =
    'no `go` on PATH: the Pulumi CLI of the engine suite (tests/pulumi/engine.test.ts) cannot be built';
  if (IN_CI) {
    console.error(`${message}; CI needs the Go toolchain`);
    process.exit(1);
  }
  console.warn(`\n!!! SKIPPING the Pulumi CLI build: ${message}.\n`);
  process.exit(0);
}
const started = Date.now();
const warm = cliBuilt();
buildPulumiCli((line) => console.log(`  ${line}`));
console.log(
  `Pulumi CLI v${PULUMI_CLI_VERSION}: ${warm ? 'cached' : 'built'} in ${Math.round((Date.now() - started) / 1000)} s`,
);
