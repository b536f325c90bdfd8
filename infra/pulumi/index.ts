/**
 * Pulumi entry point (Pulumi.yaml `main`): `pulumi up --stack <env>` with the config of
 * stacks/Pulumi.<env>.yaml. `handoff` is the only plain output; `npm run outputs -- <env>` writes it to
 * stacks/<env>.outputs.json. The other outputs are Pulumi secrets.
 */
import { apsaraMqKedaStack } from './program';

const outputs = apsaraMqKedaStack();

export const handoff = outputs.handoff;
export const prometheusAuth = outputs.prometheusAuth;
export const rocketMqCredentials = outputs.rocketMqCredentials;
