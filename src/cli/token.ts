import { parseArgs } from 'node:util';
import { ROLES, TokenService } from '../api/common/auth.js';
import { ConfigError, loadConfig } from '../config/config.js';

/** `npm run token -- --sub ID --role ROLE [--role ROLE] [--name NAME] [--expires 12h]` prints a bearer token. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      role: { type: 'string', multiple: true },
      name: { type: 'string' },
      expires: { type: 'string', default: '12h' },
    },
  });
  if (!values.sub || !values.role?.length) {
    process.stderr.write(`usage: npm run token -- --sub ID --role ROLE [--role ROLE] [--name NAME] [--expires 12h]\nroles: ${ROLES.join(', ')}\n`);
    process.exit(2);
  }
  const unknown = values.role.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length) {
    process.stderr.write(`unknown role(s): ${unknown.join(', ')}; roles: ${ROLES.join(', ')}\n`);
    process.exit(2);
  }
  const config = loadConfig(process.env);
  const token = await new TokenService(config.jwtSecret).sign({ sub: values.sub, roles: values.role, name: values.name }, values.expires);
  process.stdout.write(token + '\n');
}

main().catch((error) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(2);
});
