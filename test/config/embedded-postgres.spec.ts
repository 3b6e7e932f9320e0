import pg from 'pg';
import { socketDirectory } from '../../src/config/embedded-postgres.js';

describe('the embedded PostgreSQL', () => {
  it('puts its Unix socket in the database directory when the path fits a socket address', () => {
    expect(socketDirectory('/tmp/aid-ledger/postgres', 5432)).toBe('/tmp/aid-ledger/postgres');
    expect(socketDirectory('/home/ops/aid-ledger/data-2026_12.v1/postgres', 54321)).toBe('/home/ops/aid-ledger/data-2026_12.v1/postgres');
  });

  it('keeps to TCP where the socket path would be too long or hold characters the setting would split', () => {
    const deep = `/${'d'.repeat(90)}/postgres`; // 100 bytes, and the socket's name makes it longer than 107
    expect(socketDirectory(deep, 5432)).toBeNull();
    expect(socketDirectory('/tmp/my data/postgres', 5432)).toBeNull();
    expect(socketDirectory('/tmp/a,b/postgres', 5432)).toBeNull();
    expect(socketDirectory("/tmp/o'hara/postgres", 5432)).toBeNull();
  });

  it('is reached through its socket, and still answers on 127.0.0.1 for tools', async () => {
    // The server the test run started (test/support/global-setup.ts), in a short temp directory.
    const url = new URL(process.env.AID_LEDGER_TEST_EMBEDDED_URL!);
    expect(decodeURIComponent(url.hostname)).toMatch(/^\//);
    const viaSocket = new pg.Client({ connectionString: url.toString() });
    await viaSocket.connect();
    try {
      const { rows } = await viaSocket.query('select inet_server_addr() as address');
      expect(rows[0].address).toBeNull(); // no IP address: a Unix-domain connection
    } finally {
      await viaSocket.end();
    }
    const tcp = new URL(url.toString());
    tcp.hostname = '127.0.0.1';
    const viaTcp = new pg.Client({ connectionString: tcp.toString() });
    await viaTcp.connect();
    try {
      const { rows } = await viaTcp.query('select host(inet_server_addr()) as address');
      expect(rows[0].address).toBe('127.0.0.1');
    } finally {
      await viaTcp.end();
    }
  });
});
