/**
 * What two environments must not share. The loader checks each stack file alone, so a file copied from another
 * environment without edits is valid and still fights its source: the same Deployments in the same namespace,
 * a second instance of the same name, or the same topics and groups on one instance, each managed by two stacks.
 *
 * The rules:
 * - A Kubernetes namespace belongs to one environment per cluster. Clusters are told apart only by
 *   kubernetes.ackClusterId; without it on both sides the clusters may be one (a kubeconfig is a secret this
 *   check never reads), so one namespace is a collision unless both name different ACK clusters.
 * - An instance to create is known by region and instance.name: two environments creating one name in one region
 *   would hold two instances nobody can tell apart in the console, or, copied, mean the same one.
 * - An adopted instance (instance.existingInstanceId), or a created one by the id its hand-off records, may be
 *   shared; then each topic, consumer group and ACL account on it belongs to one environment, since the program
 *   creates and manages every one it declares.
 * - ARMS Prometheus instances are only read, and may be shared; RAM users are named after the environment.
 */
import * as fs from 'node:fs';
import { rocketMqAccountName } from '../../constructs/shared';
import {
  defaultStacksDir,
  displayPath,
  type EnvironmentSpec,
  EnvironmentSpecError,
  isExistingInstance,
  listEnvironments,
  loadEnvironment,
  stackFilePath,
} from './environment';
import { handoffFilePath, HandoffError, loadHandoff } from './handoff';

/** One environment to compare. */
export interface EnvironmentEntry {
  /** Its stack file as messages show it (displayPath). */
  readonly file: string;
  readonly spec: EnvironmentSpec;
  /** The instance id its hand-off records, when it has one: which instance a created instance is. */
  readonly handoffInstanceId?: string;
}

/** The instance both environments use, when they share one: by its adopted id, or by a hand-off's id. */
function sharedInstanceId(a: EnvironmentEntry, b: EnvironmentEntry): string | undefined {
  // issue 27: two self-managed environments share a broker when they name the same name server and cluster.
  if (a.spec.broker === 'self-managed' || b.spec.broker === 'self-managed') {
    const brokerOf = (e: EnvironmentEntry): string | undefined =>
      e.spec.broker === 'self-managed'
        ? `broker cluster ${e.spec.selfManaged.brokerCluster} at ${e.spec.selfManaged.nameServer}`
        : undefined;
    const broker = brokerOf(a);
    return broker !== undefined && broker === brokerOf(b) ? broker : undefined;
  }
  const [specA, specB] = [a.spec, b.spec];
  const adoptsA = isExistingInstance(specA.instance);
  const adoptsB = isExistingInstance(specB.instance);
  // Two created instances are told apart by region and name: a hand-off may be a copy of the other's.
  if (!adoptsA && !adoptsB) return undefined;
  const idOf = (e: EnvironmentEntry): string | undefined =>
    e.spec.broker === 'apsaramq' && isExistingInstance(e.spec.instance)
      ? e.spec.instance.existingInstanceId
      : e.handoffInstanceId;
  const id = idOf(a);
  return id !== undefined && id === idOf(b) ? id : undefined;
}

/** The ACL accounts an environment creates on its instance (constructs/shared/names.ts rocketMqAccountName). */
function accounts(spec: EnvironmentSpec): { path: string; name: string; account: string }[] {
  return [
    ...spec.workloads.map((w, i) => ({ path: `workloads[${i}].name`, name: w.name })),
    ...spec.producers.map((p, i) => ({ path: `producers[${i}].name`, name: p.name })),
  ].map((a) => ({ ...a, account: rocketMqAccountName(spec.name, a.name) }));
}

/** What `view` shares with `other`, from view's side, in a fixed order: cluster, instance, what is on it. */
function pairCollisions(view: EnvironmentEntry, other: EnvironmentEntry): string[] {
  const out: string[] = [];
  const [a, b] = [view.spec, other.spec];
  if (a.kubernetes.namespace === b.kubernetes.namespace) {
    const [clusterA, clusterB] = [a.kubernetes.ackClusterId, b.kubernetes.ackClusterId];
    if (clusterA !== undefined && clusterA === clusterB) {
      out.push(
        `${view.file}: kubernetes.namespace "${a.kubernetes.namespace}" on cluster ${clusterA} is also used by ${other.file}; each environment needs its own namespace`,
      );
    } else if (clusterA === undefined || clusterB === undefined) {
      out.push(
        `${view.file}: kubernetes.namespace "${a.kubernetes.namespace}" is also used by ${other.file}, and without kubernetes.ackClusterId in both files their clusters cannot be told apart; each environment needs its own namespace (or, for two different ACK clusters, set kubernetes.ackClusterId in both)`,
      );
    }
  }
  if (
    a.broker === 'apsaramq' &&
    b.broker === 'apsaramq' &&
    !isExistingInstance(a.instance) &&
    !isExistingInstance(b.instance) &&
    a.region === b.region &&
    a.instance.name === b.instance.name
  ) {
    out.push(
      `${view.file}: instance.name "${a.instance.name}" in region ${a.region} is also used by ${other.file}; each environment creates its own instance and needs its own name (to share one instance, adopt it with instance.existingInstanceId)`,
    );
  }
  const shared = sharedInstanceId(view, other);
  if (shared === undefined) return out;
  a.topics.forEach((topic, i) => {
    if (b.topics.some((t) => t.name === topic.name)) {
      out.push(
        `${view.file}: topics[${i}].name "${topic.name}" on instance ${shared} is also declared by ${other.file}; both stacks would manage the one topic, so each environment on a shared instance needs its own topics`,
      );
    }
  });
  // Source: ApsaraMQ for RocketMQ 5.x "Clustering consumption": the consumers of one group share its messages.
  a.consumerGroups.forEach((group, i) => {
    if (b.consumerGroups.some((g) => g.id === group.id)) {
      out.push(
        `${view.file}: consumerGroups[${i}].id "${group.id}" on instance ${shared} is also claimed by ${other.file}; the consumers of both environments would split its messages and both stacks would manage it, so each environment needs its own group`,
      );
    }
  });
  const otherAccounts = accounts(b);
  for (const mine of accounts(a)) {
    const theirs = otherAccounts.find((o) => o.account === mine.account);
    if (theirs !== undefined) {
      out.push(
        `${view.file}: ${mine.path} "${mine.name}" has the ACL account "${mine.account}" on instance ${shared}, which is also the account of ${theirs.path} "${theirs.name}" in ${other.file} (account names are <environment>-<name>); rename one of them`,
      );
    }
  }
  return out;
}

const byFile = (x: EnvironmentEntry, y: EnvironmentEntry): number =>
  x.file < y.file ? -1 : x.file > y.file ? 1 : 0;

/**
 * Every collision between the environments, one line each, naming both stack files and the shared value. Each
 * pair is reported once: from the selected side when one of the two is selected, else from the later file's
 * (a copy usually sorts after its source). With `selected` (environment names), only pairs involving a selected
 * environment count. Lines are ordered by the reporting file, then the other file, then field.
 */
export function collisions(
  environments: readonly EnvironmentEntry[],
  selected?: readonly string[],
): string[] {
  const isSelected = (e: EnvironmentEntry): boolean =>
    selected === undefined || selected.includes(e.spec.name);
  const sorted = [...environments].sort(byFile);
  const pairs: { view: EnvironmentEntry; other: EnvironmentEntry; lines: string[] }[] = [];
  sorted.forEach((earlier, i) => {
    for (const later of sorted.slice(i + 1)) {
      if (!isSelected(earlier) && !isSelected(later)) continue;
      const [view, other] = isSelected(earlier) && !isSelected(later) ? [earlier, later] : [later, earlier];
      pairs.push({ view, other, lines: pairCollisions(view, other) });
    }
  });
  return pairs.sort((p, q) => byFile(p.view, q.view) || byFile(p.other, q.other)).flatMap((p) => p.lines);
}

/**
 * The instance id the hand-off `stacks/<env>.outputs.json` records, when it exists, is valid and is that
 * environment's; undefined otherwise (its own errors are reported where it is used).
 */
export function handedOffInstanceId(environment: string, stacksDir = defaultStacksDir()): string | undefined {
  if (!fs.existsSync(handoffFilePath(environment, stacksDir))) return undefined;
  try {
    const handoff = loadHandoff(environment, stacksDir);
    return handoff.environment === environment && !('broker' in handoff) ? handoff.instanceId : undefined;
  } catch (error) {
    if (error instanceof HandoffError || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

export interface CommittedCheck {
  /** The collisions that involve a selected environment (see collisions). */
  readonly collisions: readonly string[];
  /** Stack files left out because they are invalid and were not selected, each with why. */
  readonly notes: readonly string[];
}

/**
 * Compares the selected environments with every stack file in `stacksDir`. `current` holds environments read
 * elsewhere (the Pulumi program's own stack, from its runtime config); their files are not read. A stack file that
 * does not load is left out: a selected one's errors are the caller's to report; any other gets a note, so an
 * invalid file never hides behind a collision nor blocks the others.
 */
export function committedCollisions(
  selected: readonly string[],
  current: readonly EnvironmentEntry[] = [],
  stacksDir = defaultStacksDir(),
): CommittedCheck {
  const entries: EnvironmentEntry[] = [...current];
  const notes: string[] = [];
  const known = fs.existsSync(stacksDir) ? listEnvironments(stacksDir) : [];
  for (const environment of known.filter((e) => !current.some((c) => c.spec.name === e))) {
    try {
      const handoffInstanceId = handedOffInstanceId(environment, stacksDir);
      entries.push({
        file: displayPath(stackFilePath(environment, stacksDir)),
        spec: loadEnvironment(environment, stacksDir),
        ...(handoffInstanceId !== undefined && { handoffInstanceId }),
      });
    } catch (error) {
      if (!(error instanceof EnvironmentSpecError)) throw error;
      if (selected.includes(environment)) continue;
      const count = error.violations.length;
      notes.push(
        `${error.file}: left out of the check for collisions between environments: it is invalid (${count} problem${count === 1 ? '' : 's'}; npm run synth -- --env ${environment} lists them)`,
      );
    }
  }
  return { collisions: collisions(entries, selected), notes };
}
