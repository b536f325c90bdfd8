import * as alicloud from '@pulumi/alicloud';
import * as pulumi from '@pulumi/pulumi';
import { assertNoViolations } from './invalid-args-error';

/** 'token' for V1 ARMS Prometheus instances (Authorization header), 'accessKey' for V2 (basic auth). */
export type PrometheusAuth = 'token' | 'accessKey';

/** Arguments of PrometheusAccess. */
export interface PrometheusAccessArgs {
  /** How KEDA authenticates to the HTTP API. */
  readonly auth: PrometheusAuth;
  /** ARMS Prometheus instance to look the HTTP API URL (and V1 token) up from; or set serverAddress. @default none */
  readonly instanceId?: string;
  /** Explicit HTTP API URL, when the lookup is not possible; or set instanceId. @default none */
  readonly serverAddress?: string;
  /** Prefer the internal (VPC) URL of the lookup over the public one. @default true */
  readonly preferInternalUrl?: boolean;
  /** V1 token; required with serverAddress and auth 'token', overrides the looked-up one. @default the lookup's */
  readonly token?: pulumi.Input<string>;
}

/** Every violation of the arguments, each naming its field; empty when valid. */
export function prometheusAccessViolations(args: PrometheusAccessArgs): string[] {
  const out: string[] = [];
  if ((args.instanceId === undefined) === (args.serverAddress === undefined)) {
    out.push('instanceId / serverAddress: set exactly one');
  }
  if (args.serverAddress !== undefined && !/^https?:\/\/[^\s/]+/.test(args.serverAddress)) {
    out.push(`serverAddress ("${args.serverAddress}") must be an http(s) URL`);
  }
  if (args.auth === 'token' && args.serverAddress !== undefined && args.token === undefined) {
    out.push('token is required with serverAddress and auth token (nothing to look it up from)');
  }
  if (args.auth === 'accessKey' && args.token !== undefined) {
    out.push('token applies to auth token only; V2 instances use an AccessKey');
  }
  return out;
}

/** The fields of one looked-up ARMS Prometheus instance this component reads. */
export interface PrometheusDetails {
  /** The HTTP API URL inside the VPC. */
  readonly httpApiIntraUrl?: string;
  /** The public HTTP API URL. */
  readonly httpApiInterUrl?: string;
  /** The V1 instance's token; absent for V2 instances. */
  readonly authToken?: string;
}

/** The HTTP API URL of a looked-up instance: the internal one when preferred and present, else the other. */
export function pickHttpApiUrl(
  instanceId: string,
  details: PrometheusDetails,
  preferInternal: boolean,
): string {
  const internal = details.httpApiIntraUrl ?? '';
  const external = details.httpApiInterUrl ?? '';
  const url = preferInternal ? internal || external : external || internal;
  if (url === '') {
    throw new Error(`ARMS Prometheus ${instanceId} reports no HTTP API URL (lookup needs enableDetails)`);
  }
  return url;
}

/** The single instance of a lookup by id; throws when the region has none with that id. */
export function onlyInstance<T>(instanceId: string, found: readonly T[]): T {
  if (found.length !== 1) {
    throw new Error(`ARMS Prometheus ${instanceId}: the lookup found ${found.length} instances, expected 1`);
  }
  return found[0];
}

/** The V1 token of a looked-up instance; throws when it has none (a V2 instance, which takes an AccessKey). */
export function lookedUpToken(instanceId: string, details: PrometheusDetails): string {
  if (details.authToken === undefined || details.authToken === '') {
    throw new Error(`ARMS Prometheus ${instanceId} has no token; for a V2 instance use auth accessKey`);
  }
  return details.authToken;
}

/**
 * Where KEDA reads metrics: the ARMS Prometheus HTTP API URL (internal preferred) and, for V1 instances,
 * the token, looked up with `alicloud.arms.getPrometheusOutput({ enableDetails: true })` or taken from the
 * arguments. The URL is a plain output; the token is a Pulumi secret.
 */
export class PrometheusAccess extends pulumi.ComponentResource {
  /** HTTP API base URL, KEDA's serverAddress. Never secret. */
  readonly serverAddress: pulumi.Output<string>;
  /** V1 token, a Pulumi secret; undefined for auth 'accessKey'. */
  readonly token: pulumi.Output<string> | undefined;

  constructor(name: string, args: PrometheusAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    assertNoViolations('PrometheusAccess', name, prometheusAccessViolations(args));
    super('apsaramq-keda:cloud:PrometheusAccess', name, {}, opts);

    const instanceId = args.instanceId;
    if (instanceId !== undefined) {
      const found = alicloud.arms
        .getPrometheusOutput({ ids: [instanceId], enableDetails: true }, { parent: this })
        .apply((result) => onlyInstance(instanceId, result.prometheis));
      // The result also carries the token; if the provider marks it secret, the URL must not inherit that.
      this.serverAddress = pulumi.unsecret(
        found.apply((details) => pickHttpApiUrl(instanceId, details, args.preferInternalUrl ?? true)),
      );
      if (args.auth === 'token') {
        this.token = pulumi.secret(
          args.token ?? found.apply((details) => lookedUpToken(instanceId, details)),
        );
      } else {
        this.token = undefined;
      }
    } else {
      this.serverAddress = pulumi.output(args.serverAddress as string); // validated: exactly one is set
      this.token = args.auth === 'token' ? pulumi.secret(args.token as pulumi.Input<string>) : undefined;
    }

    this.registerOutputs({ serverAddress: this.serverAddress, token: this.token });
  }
}
