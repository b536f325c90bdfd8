/**
 * Debian's promtool (`apt-get install prometheus`): `check rules` and `test rules` on files in a scratch
 * directory.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';

/** Debian's promtool, installed with prometheus (the suites gate on describeWithPrometheus). */
export const promtool = 'promtool';

export interface PromtoolRun {
  readonly status: number | null;
  readonly output: string;
}

/** A rule file as Prometheus reads it: `groups: [{ name, rules }]`. */
export interface RuleFile {
  readonly groups: readonly { readonly name: string; readonly rules: readonly object[] }[];
}

/** One `tests:` entry of a promtool unit-test file. */
export interface PromtoolTest {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly { readonly series: string; readonly values: string }[];
  readonly alert_rule_test?: readonly {
    readonly eval_time: string;
    readonly alertname: string;
    readonly exp_alerts: readonly {
      readonly exp_labels?: Record<string, string>;
      readonly exp_annotations?: Record<string, string>;
    }[];
  }[];
  readonly promql_expr_test?: readonly {
    readonly expr: string;
    readonly eval_time: string;
    readonly exp_samples: readonly { readonly labels: string; readonly value: number }[];
  }[];
}

function run(args: string[], cwd: string): PromtoolRun {
  const result = spawnSync(promtool, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

/** Writes `rules.yaml` (and `tests.yaml`) into a scratch directory and runs promtool on them. */
export function withRuleFiles<T>(rules: RuleFile, use: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apsaramq-keda-promtool-'));
  try {
    fs.writeFileSync(path.join(dir, 'rules.yaml'), stringify(rules));
    return use(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function checkRules(rules: RuleFile): PromtoolRun {
  return withRuleFiles(rules, (dir) => run(['check', 'rules', 'rules.yaml'], dir));
}

/** `promtool test rules`; evaluation_interval 1m as Prometheus' default. */
export function testRules(rules: RuleFile, tests: readonly PromtoolTest[]): PromtoolRun {
  return withRuleFiles(rules, (dir) => {
    fs.writeFileSync(
      path.join(dir, 'tests.yaml'),
      stringify({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }),
    );
    return run(['test', 'rules', 'tests.yaml'], dir);
  });
}
