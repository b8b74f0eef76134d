import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentConfigSchema } from '@gatecast/protocol';
import { renderAgentConfig, writeAgentConfigFile } from '@gatecast/provisioning';

const config = {
  deviceId: 'cat-bi-arrivals-01',
  secret: 'x'.repeat(43),
  mqtt: { url: 'mqtt://fleet.cat-bi.local:1883' },
};

describe('agent config files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatecast-prov-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('renders a file the agent schema accepts', () => {
    const parsed = agentConfigSchema.parse(JSON.parse(renderAgentConfig(config)));
    expect(parsed.deviceId).toBe('cat-bi-arrivals-01');
    expect(parsed.mqtt.keepaliveSec).toBe(30);
  });

  it('refuses an invalid config, naming the field', () => {
    expect(() => renderAgentConfig({ ...config, mqtt: { url: 'http://x' } })).toThrow(/mqtt\.url/);
    expect(() => renderAgentConfig({ ...config, secret: 'short' })).toThrow(/secret/);
  });

  it('writes the file readable only by its owner', () => {
    const path = join(dir, 'agent.json');
    writeAgentConfigFile(path, config);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(config);
  });

  it('does not overwrite an existing file unless asked', () => {
    const path = join(dir, 'agent.json');
    writeFileSync(path, 'old');
    expect(() => writeAgentConfigFile(path, config)).toThrow(/already exists/);
    expect(readFileSync(path, 'utf8')).toBe('old');
    writeAgentConfigFile(path, config, { overwrite: true });
    expect(JSON.parse(readFileSync(path, 'utf8')).deviceId).toBe(config.deviceId);
  });
});
