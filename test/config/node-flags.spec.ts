import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_NODE_FLAGS } from '../../src/config/heap.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The service starts with SERVICE_NODE_FLAGS wherever it is started (the bench's service process takes them
 * from the constant): `npm start` and the image's CMD must name them too, or the service people run is not
 * the one the bench measured.
 */
describe('the flags the service starts with', () => {
  it('are those of npm start', () => {
    const start: string = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')).scripts.start;
    const node = start.slice(start.indexOf('node ')).split(/\s+/);
    expect(node.slice(1, 1 + SERVICE_NODE_FLAGS.length)).toEqual([...SERVICE_NODE_FLAGS]);
    expect(node[1 + SERVICE_NODE_FLAGS.length]).toBe('dist/src/main.js');
  });

  it('are those of the image', () => {
    const cmd = readFileSync(path.join(repo, 'docker/Dockerfile'), 'utf8')
      .split('\n')
      .find((line) => line.startsWith('CMD '))!;
    expect(JSON.parse(cmd.slice('CMD '.length))).toEqual(['node', ...SERVICE_NODE_FLAGS, 'dist/src/main.js']);
  });

  it('give this Node.js a larger young generation than its own', () => {
    // The young generation grows past its default largest (two semi-spaces of 16 MB on 64-bit) only when
    // allowed to, under a steady flow of allocations of which a part outlives a collection or two.
    const probe = `let keep = []; for (let i = 0; i < 3e6; i++) { keep.push({ a: i, b: 'x' + i, c: [i] }); if (keep.length > 2e5) keep = []; }
      console.log(require('node:v8').getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size)`;
    const newSpace = (flags: readonly string[]) => Number(execFileSync(process.execPath, [...flags, '-e', probe], { encoding: 'utf8' }).trim());
    const defaultLargest = 2 * 16 * 2 ** 20;
    expect(newSpace([])).toBeLessThanOrEqual(defaultLargest);
    expect(newSpace(SERVICE_NODE_FLAGS)).toBeGreaterThan(defaultLargest);
  });
});
