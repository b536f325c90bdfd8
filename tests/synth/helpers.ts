import { App, Testing } from 'cdk8s';
import * as fs from 'node:fs';
import { listEnvironments, loadEnvironment } from '../../infra/config/environment';
import { handoffFilePath, loadHandoff } from '../../infra/config/handoff';
import { buildEnvironment } from '../../infra/synth/app';
import { testApp } from '../shared/scratch';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

/** The environments found in stacks/ that have a hand-off, so their manifests can be synthesized. */
export function environmentsWithHandoff(): string[] {
  return listEnvironments().filter((env) => fs.existsSync(handoffFilePath(env)));
}

/** Every object of every chart of one committed environment. */
export function synthObjects(environment: string): Manifest[] {
  const app: App = testApp();
  const charts = buildEnvironment(app, loadEnvironment(environment), loadHandoff(environment));
  return charts.flatMap((chart) => Testing.synth(chart) as Manifest[]);
}

export function find(objects: Manifest[], kind: string, name: string): Manifest {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found;
}

// Narrow views of the fields the assertions read.
export interface ScaledObjectView {
  spec: {
    minReplicaCount: number;
    maxReplicaCount: number;
    idleReplicaCount?: number;
    pollingInterval: number;
    cooldownPeriod: number;
    fallback?: { failureThreshold: number; replicas: number };
    advanced?: { horizontalPodAutoscalerConfig: { behavior: unknown } };
    scaleTargetRef: { name: string; kind: string };
    triggers: {
      type: string;
      name: string;
      metricType: string;
      metadata: Record<string, string>;
      authenticationRef: { name: string };
    }[];
  };
}

export interface DeploymentView {
  spec: {
    replicas?: number;
    template: {
      spec: {
        automountServiceAccountToken: boolean;
        serviceAccountName: string;
        terminationGracePeriodSeconds: number;
        securityContext: Record<string, unknown>;
        topologySpreadConstraints: { topologyKey: string }[];
        containers: {
          image: string;
          env: {
            name: string;
            value?: string;
            valueFrom?: { secretKeyRef: { name: string; key: string } };
          }[];
          resources: { requests: Record<string, string>; limits: Record<string, string> };
          securityContext: Record<string, unknown>;
        }[];
      };
    };
  };
}

/**
 * Every entry under `dir` (dotfiles included), relative to it: a folder as `dir`, a symlink as `link -> <target>`,
 * a file as its bytes (latin1, so byte-identical means string-equal). Empty when `dir` does not exist.
 */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const full = `${entry.parentPath}/${entry.name}`;
    const relative = full.slice(dir.length + 1);
    if (entry.isSymbolicLink()) out[relative] = `link -> ${fs.readlinkSync(full)}`;
    else if (entry.isDirectory()) out[relative] = 'dir';
    else out[relative] = fs.readFileSync(full).toString('latin1');
  }
  return out;
}

/** The entries of `snapshot` under `prefix/`, with the prefix removed. */
export function subtree(snapshot: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(snapshot)
      .filter(([file]) => file.startsWith(`${prefix}/`))
      .map(([file, content]) => [file.slice(prefix.length + 1), content]),
  );
}
