import { appOptionsFromEnv } from '../../src/config.js';

/** Where webhooks may go is the operator's choice, from the environment, and strict when unsaid. */

const base = { EVENT_STORE: 'sqlite', DATA_DIR: '/tmp/demarche-config-spec' };

it('refuses loopback and private networks unless the environment opens them', () => {
  expect(appOptionsFromEnv(base).watches?.webhookPolicy).toEqual({ allowLoopback: false, allowPrivateNetworks: false });
  expect(appOptionsFromEnv({ ...base, WEBHOOK_ALLOW_LOOPBACK: 'true' }).watches?.webhookPolicy).toEqual({ allowLoopback: true, allowPrivateNetworks: false });
  expect(appOptionsFromEnv({ ...base, WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'TRUE' }).watches?.webhookPolicy).toEqual({ allowLoopback: false, allowPrivateNetworks: true });
});

it('names the variable when its value is neither true nor false', () => {
  expect(() => appOptionsFromEnv({ ...base, WEBHOOK_ALLOW_LOOPBACK: 'yes' })).toThrow("WEBHOOK_ALLOW_LOOPBACK must be true or false, got 'yes'");
});
