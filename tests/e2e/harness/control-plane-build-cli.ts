/**
 * `npx tsx tests/e2e/harness/control-plane-build-cli.ts`: builds the controller replay's control plane into the
 * cache before jest runs (a cold build takes far longer than any test timeout). Without Go it says so loudly and
 * exits 0 locally; under CI=true it fails, as the suite would.
 */
import { IN_CI } from './availability';
import { KEDA_VERSION, KUBERNETES_VERSION, buildControlPlane, binariesBuilt } from './control-plane-build';
import { goBinary } from './go-tool';

if (goBinary === '') {
  const message =
    'no `go` on PATH: the controller replay (tests/e2e/controller-replay.test.ts) cannot be built';
  if (IN_CI) {
    console.error(`${message}; CI needs the Go toolchain`);
    process.exit(1);
  }
  console.warn(`\n!!! SKIPPING the control-plane build: ${message}.\n`);
  process.exit(0);
}
const started = Date.now();
const warm = binariesBuilt();
buildControlPlane((line) => console.log(`  ${line}`));
console.log(
  `Kubernetes v${KUBERNETES_VERSION} + KEDA ${KEDA_VERSION}: ${warm ? 'cached' : 'built'} in ${Math.round((Date.now() - started) / 1000)} s`,
);
