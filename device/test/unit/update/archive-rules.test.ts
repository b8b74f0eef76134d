import { describe, expect, it } from 'vitest';
import { entryRefusal } from '../../../src/update/archive-rules.js';

const file = (path: string) => ({ path, type: 'File', size: 10 });
const symlink = (path: string, linkpath: string) => ({ path, type: 'SymbolicLink', size: 0, linkpath });

describe('entryRefusal', () => {
  it.each([
    file('package/main.js'),
    file('./bin/gatecast-agent.js'),
    { path: 'lib/', type: 'Directory', size: 0 },
    symlink('bin/agent', '../lib/main.js'),
    symlink('lib/self', '.'),
    { path: 'lib/copy.js', type: 'Link', size: 0, linkpath: 'lib/main.js' },
  ])('lets $path ($type) in', (entry) => {
    expect(entryRefusal(entry)).toBeNull();
  });

  it.each([
    [file('../evil'), 'climbs out'],
    [file('lib/../../evil'), 'climbs out'],
    [file('/etc/cron.d/evil'), 'absolute'],
    [file('C:/evil'), 'absolute'],
    [symlink('lib/etc', '/etc'), 'absolute'],
    [symlink('lib/up', '../../outside'), 'outside'],
    [symlink('up', '..'), 'outside'],
    [{ path: 'lib/hard', type: 'Link', size: 0, linkpath: '../outside' }, 'outside'],
    [{ path: 'dev/sda', type: 'BlockDevice', size: 0 }, 'not allowed'],
    [{ path: 'pipe', type: 'FIFO', size: 0 }, 'not allowed'],
  ])('refuses %o (%s)', (entry, why) => {
    expect(entryRefusal(entry)).toContain(why);
  });
});
