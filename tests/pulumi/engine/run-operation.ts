/**
 * `node --import tsx run-operation.ts <request JSON> <result file>`: runs one engine operation on a temp stack
 * of engine-harness.ts (the program inline, in this process) and writes its events, error and change summary
 * as JSON to the result file. Always exits 0 once the file is written.
 */
import * as fs from 'node:fs';
import type { EngineEvent } from '@pulumi/pulumi/automation';
import { engineStack, type OperationRequest, type OperationResult } from './engine-harness';

async function main(): Promise<void> {
  const request = JSON.parse(process.argv[2]) as OperationRequest;
  const out = process.argv[3];
  const stack = await engineStack(request.environment, request.dir);
  const events: EngineEvent[] = [];
  const onEvent = (event: EngineEvent) => events.push(event);
  let result: OperationResult;
  try {
    if (request.op === 'up') {
      const up = await stack.up({ onEvent, color: 'never', replace: [...request.replace] });
      result = { events, changeSummary: up.summary.resourceChanges };
    } else if (request.op === 'preview') {
      const preview = await stack.preview({ onEvent, color: 'never', replace: [...request.replace] });
      result = { events, changeSummary: preview.changeSummary };
    } else {
      await stack.destroy({ onEvent, color: 'never' });
      result = { events };
    }
  } catch (error) {
    result = { events, error: String(error) };
  }
  fs.writeFileSync(out, JSON.stringify(result));
}

// The program's registrations still in flight when the engine stops a run reject after the operation ends.
process.on('unhandledRejection', () => undefined);
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
