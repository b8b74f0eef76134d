import { describe, expect, it } from 'vitest';
import { agentConfigSchema, provisionFileSchema } from '@gatecast/protocol';
import {
  agentConfigFor,
  authorizedKeysText,
  credentialsFromProvision,
  keyfileValue,
  scrubProvision,
  wifiKeyfile,
} from '../../../src/provisioning/provision-mapping.js';

const SECRET = 'cat-bi-secret-0123456789abcdef';
const KEY = { keyId: '0123456789abcdef', publicKey: `${'A'.repeat(43)}=` };
const raw = {
  format: 1,
  fleetUrl: 'https://fleet.example.vn',
  mqttUrl: 'mqtts://fleet.example.vn:8883',
  device: { id: 'cat-bi-arr-01', secret: SECRET },
  wifi: { ssid: 'CatBi-Staff', psk: 'wifi-pass-123' },
  gateId: 'cat-bi-airport',
  sshAuthorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAA tech@laptop'],
};

describe('provision file → agent config', () => {
  const file = provisionFileSchema.parse(raw);
  const credentials = credentialsFromProvision(
    { ...file, device: file.device! },
    '/var/lib/gatecast',
    '/var/lib/gatecast/fleet-ca.pem',
  );

  it('maps the identity, the broker, the fleet, the CA and the data dir into a valid config', () => {
    const config = agentConfigFor(credentials, null);
    expect(config).toEqual({
      deviceId: 'cat-bi-arr-01',
      secret: SECRET,
      mqtt: { url: 'mqtts://fleet.example.vn:8883', caFile: '/var/lib/gatecast/fleet-ca.pem' },
      fleetUrl: 'https://fleet.example.vn',
      dataDir: '/var/lib/gatecast',
      updates: { publicKeys: [] },
    });
    expect(agentConfigSchema.safeParse(config).success).toBe(true);
  });

  it('keeps the other settings of a valid existing config, and its pinned keys when none are given', () => {
    const existing = {
      ...agentConfigFor({ ...credentials, deviceId: 'old-screen-01', publicKeys: [KEY] }, null),
      logLevel: 'debug',
      player: { mode: 'none' },
    };
    const config = agentConfigFor(credentials, existing);
    expect(config).toMatchObject({ deviceId: 'cat-bi-arr-01', logLevel: 'debug', player: { mode: 'none' } });
    expect(config.updates?.publicKeys).toEqual([KEY]);
  });

  it('drops an old CA when the new file has none, and replaces a broken existing config whole', () => {
    const { caFile: _ca, ...withoutCa } = credentials;
    const existing = agentConfigFor(credentials, null);
    expect(agentConfigFor(withoutCa, existing).mqtt).toEqual({ url: 'mqtts://fleet.example.vn:8883' });
    expect(agentConfigFor(credentials, { deviceId: 'Not Valid', player: 'x' })).toEqual(existing);
  });
});

describe('scrubbing the boot file', () => {
  it('removes the secret, the Wi-Fi passphrase and a token, keeps the rest, and says when', () => {
    const scrubbed = scrubProvision({ ...raw, enrolmentToken: 'gce_x' }, new Date('2026-11-26T08:00:00Z'));
    expect(scrubbed).toEqual({
      ...raw,
      device: { id: 'cat-bi-arr-01' },
      wifi: { ssid: 'CatBi-Staff' },
      imported: '2026-11-26T08:00:00.000Z',
    });
    expect(JSON.stringify(scrubbed)).not.toContain(SECRET);
    expect(JSON.stringify(scrubbed)).not.toContain('wifi-pass-123');
  });
});

describe('Wi-Fi keyfile and SSH keys', () => {
  it('writes a WPA-PSK NetworkManager keyfile with a stable UUID', () => {
    const text = wifiKeyfile({ ssid: 'CatBi-Staff', psk: 'wifi-pass-123', hidden: true, country: 'VN' });
    expect(text).toContain('[connection]\nid=gatecast-wifi\n');
    expect(text).toMatch(/uuid=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\n/);
    expect(text).toContain('ssid=CatBi-Staff\nhidden=true\n');
    expect(text).toContain('[wifi-security]\nkey-mgmt=wpa-psk\npsk=wifi-pass-123\n');
    expect(wifiKeyfile({ ssid: 'CatBi-Staff', hidden: false, country: 'VN' })).not.toContain('wifi-security');
    expect(text.match(/uuid=.*/)?.[0]).toBe(
      wifiKeyfile({ ssid: 'CatBi-Staff', hidden: false, country: 'VN' }).match(/uuid=.*/)?.[0],
    );
  });

  it('escapes what would change a keyfile value', () => {
    expect(keyfileValue(' lead\\and\nnew')).toBe('\\slead\\\\and\\nnew');
  });

  it('puts one key per line', () => {
    expect(authorizedKeysText(['ssh-ed25519 AAAA a', ' ssh-rsa BBBB b '])).toBe(
      'ssh-ed25519 AAAA a\nssh-rsa BBBB b\n',
    );
    expect(authorizedKeysText([])).toBe('');
  });
});
