import fc from 'fast-check';
import { testTargets } from '../support/databases.js';
import { startTestApp, type TestApp } from '../support/http.js';

/**
 * Nothing a client sends may produce a 500 or record anything it should not. Every POST route in the
 * OpenAPI document gets hostile bodies (wrong types, nulls, deep nesting, huge and odd strings, numbers
 * where strings belong) from a caller holding every role; the answer must be a 4xx problem+json and the
 * log must not grow.
 */
/** Actions whose body is optional (an empty object succeeds); their validation is tested elsewhere. */
const TAKES_NO_BODY = ['/audit/checkpoints', '/admin/projections/rebuild'];

const everyRole = ['fuzzer', 'admin', 'programme-officer', 'finance-officer', 'commission-member'];

const hostileValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.constantFrom('', ' ', '-1', '1e309', 'NaN', '0.001', '99999999999999999999.99', '2017-02-30', '\u0000', '<script>', 'a'.repeat(5000), '../../etc/passwd', 'USD'),
    fc.string(),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('id', 'amount', 'currency', 'name', 'programmeId', 'target', 'votes', 'members', 'x'), tie('value'), { maxKeys: 4 }),
  ),
})).value;

for (const target of testTargets().slice(0, 1)) {
  describe(`hostile input (${target.name})`, () => {
    let app: TestApp;
    let posts: string[];
    beforeAll(async () => {
      app = await startTestApp(target);
      const docs = await app.call('GET', '/docs-json');
      posts = Object.entries(docs.body.paths as Record<string, any>)
        .filter(([path, ops]) => ops.post && !TAKES_NO_BODY.includes(path))
        .map(([path]) => path.replace(/\{[^}]+\}/g, 'some-id'));
    });
    afterAll(async () => {
      await app.close();
    });

    it('finds the POST routes', () => {
      expect(posts.length).toBeGreaterThan(10);
    });

    it('answers every hostile body with a 4xx problem and records nothing', async () => {
      const before = await app.eventCount();
      const seen: string[] = [];
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...posts), hostileValue, async (path, body) => {
          const r = await app.call('POST', path, { as: everyRole, body });
          if (r.status >= 500 || r.status < 400) seen.push(`${path} ${JSON.stringify(body).slice(0, 200)} -> ${r.status} ${r.text.slice(0, 200)}`);
          return r.status >= 400 && r.status < 500 && /application\/problem\+json/.test(r.headers.get('content-type') ?? '');
        }),
        { numRuns: 400, seed: 20161031 },
      ).catch((error) => {
        throw new Error(`${error.message}\n${seen.slice(0, 5).join('\n')}`);
      });
      expect(await app.eventCount()).toBe(before);
    });

    it('answers odd requests with a 4xx problem', async () => {
      for (const path of posts.slice(0, 8)) {
        for (const options of [
          { rawBody: '{"a":', headers: { 'content-type': 'application/json' } },
          { rawBody: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
          { rawBody: 'plain', headers: { 'content-type': 'text/plain' } },
          { rawBody: JSON.stringify({ x: 'y'.repeat(2 * 1024 * 1024) }), headers: { 'content-type': 'application/json' } },
        ]) {
          const r = await app.call('POST', path, { as: everyRole, ...options });
          expect([path, options.headers['content-type'], r.status >= 400 && r.status < 500]).toEqual([path, options.headers['content-type'], true]);
        }
      }
    });
  });
}
