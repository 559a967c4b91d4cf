import { addressViolation, STRICT_WEBHOOK_POLICY, webhookUrlViolation } from '../../src/watches/webhook-url-policy.js';

/** Where a watch may send webhooks: public https by default, loopback and private networks only when the operator opens them. */

const LOOPBACK = { allowLoopback: true, allowPrivateNetworks: false };
const PRIVATE = { allowLoopback: false, allowPrivateNetworks: true };

describe('webhook URLs', () => {
  it.each([
    'https://hooks.example.org/demarche',
    'https://8.8.8.8/hook',
    'https://[2606:4700:4700::1111]/hook',
  ])('accepts public https: %s', (url) => {
    expect(webhookUrlViolation(url, STRICT_WEBHOOK_POLICY)).toBeUndefined();
  });

  it.each([
    ['http://hooks.example.org/x', /must use https/],
    ['ftp://hooks.example.org/x', /must use https/],
    ['https://localhost/x', /this machine/],
    ['https://127.0.0.1/x', /this machine \(127\.0\.0\.1, loopback\)/],
    ['https://[::1]/x', /this machine/],
    ['https://[::ffff:127.0.0.1]/x', /this machine/],
    ['http://127.0.0.1:8080/x', /WEBHOOK_ALLOW_LOOPBACK/],
    ['https://10.0.0.7/x', /private network \(10\.0\.0\.7, private/],
    ['https://192.168.1.1/x', /private network/],
    ['https://172.16.0.1/x', /private network/],
    ['https://100.64.0.1/x', /carrierGradeNat/],
    ['https://169.254.169.254/latest/meta-data', /linkLocal/],
    ['https://[fd00:ec2::254]/x', /uniqueLocal/],
    ['https://0.0.0.0/x', /unspecified/],
    ['https://intranet/x', /fully qualified name/],
    ['https://user:pass@hooks.example.org/x', /user name or password/],
    ['not a url', /absolute https URL/],
  ])('refuses %s by default', (url, reason) => {
    expect(webhookUrlViolation(url, STRICT_WEBHOOK_POLICY)).toMatch(reason);
  });

  it('allows loopback, over http too, only when configured, and still no private network', () => {
    expect(webhookUrlViolation('http://127.0.0.1:8080/x', LOOPBACK)).toBeUndefined();
    expect(webhookUrlViolation('http://localhost:8080/x', LOOPBACK)).toBeUndefined();
    expect(webhookUrlViolation('https://[::1]/x', LOOPBACK)).toBeUndefined();
    expect(webhookUrlViolation('https://10.0.0.7/x', LOOPBACK)).toMatch(/private network/);
    expect(webhookUrlViolation('http://10.0.0.7/x', LOOPBACK)).toMatch(/must use https/);
  });

  it('allows private networks only when configured, and never http there', () => {
    expect(webhookUrlViolation('https://10.0.0.7/x', PRIVATE)).toBeUndefined();
    expect(webhookUrlViolation('https://127.0.0.1/x', PRIVATE)).toMatch(/this machine/);
    expect(webhookUrlViolation('http://10.0.0.7/x', PRIVATE)).toMatch(/must use https/);
  });
});

describe('the address a delivery connects to', () => {
  it('is checked like a URL literal, whatever name led to it', () => {
    expect(addressViolation('93.184.216.34', STRICT_WEBHOOK_POLICY)).toBeUndefined();
    expect(addressViolation('127.0.0.1', STRICT_WEBHOOK_POLICY)).toMatch(/loopback/);
    expect(addressViolation('::ffff:10.1.1.1', STRICT_WEBHOOK_POLICY)).toMatch(/private/);
    expect(addressViolation('224.0.0.1', { allowLoopback: true, allowPrivateNetworks: true })).toMatch(/multicast/);
  });
});
