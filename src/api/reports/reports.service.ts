import { ChainStore } from '../../audit/chain-store.js';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import { IMPACT_FIELDS, isAmountField, type ImpactField } from '../../../projections/ledger/postings.js';
import type { ProjectionRunner } from '../../../projections/runner/runner.js';
import { formatAmount } from '../../domain/shared/money.js';
import { problem, ProblemError } from '../common/problem.js';
import { readSubject, type ReadFreshness } from '../common/reads.js';
import type { AppSettings } from '../tokens.js';
import { LedgerEvents } from './ledger-events.js';
import type { AsOf } from './params.js';

export const GROUP_BY = ['none', 'oblast', 'municipality', 'priority'] as const;
export type GroupBy = (typeof GROUP_BY)[number];
export const FUND_FLOW_FIELDS = ['budget', 'received', 'committed', 'disbursed', 'coFundingReceived', 'available', 'flows'] as const;
export type FundFlowField = (typeof FUND_FLOW_FIELDS)[number];

/** Column of impact entries each grouping keys on. */
const DIMENSION: Record<Exclude<GroupBy, 'none'>, string> = { oblast: 'oblast', municipality: '"municipalityId"', priority: 'priority' };

interface Programme {
  id: string;
  currency: string;
  donorId: string;
  donorName: string;
  title: string;
}

interface BalanceRow {
  book: string;
  kind: string;
  account: string;
  counterAccount: string;
  municipalityId: string;
  amount: string;
}

/**
 * Which legs of the ledger make a fund-flow figure, as SQL over ledger_postings
 * ($P = 'programme:<id>'), with the sign each leg counts with. The report and its explanation use the same.
 */
const FIGURE_SQL: Record<Exclude<FundFlowField, 'flows' | 'available'>, string> = {
  budget: `book = 'budget' and account = $P`,
  received: `book = 'cash' and kind = 'received' and account = $P`,
  committed: `book = 'commitment' and (account like 'grant:%' or account like 'facility:%')`,
  disbursed: `book = 'cash' and kind = 'disbursed' and amount > 0`,
  coFundingReceived: `book = 'cash' and kind = 'co-funding' and amount > 0`,
};

/** The report queries (plain class: ReportsController builds it from the core providers). */
export class ReportsService {
  readonly events: LedgerEvents;

  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: ProjectionRunner,
    private readonly freshness: ReadFreshness,
    private readonly settings: AppSettings,
    chain: ChainStore,
  ) {
    this.events = new LedgerEvents(dataSource, chain);
  }

  /**
   * Makes sure the read model holds every event recorded up to `asOf` (or the client's minPosition), so a
   * report for a past moment is complete and never changes afterwards. Sets Ledger-Position.
   */
  async settle(projection: string, minPosition: unknown, asOf: AsOf | null, reply: FastifyReply): Promise<void> {
    await this.freshness.ensure(projection, minPosition, reply);
    if (!asOf) return;
    const checkpoint = this.runner.checkpoint(projection);
    // An event recorded after asOf (with a margin for commits racing the clock) proves the earlier ones are in.
    const [row] = await this.dataSource.query(`select recorded_at > $2::timestamptz + interval '2 seconds' as past from public.events where position = $1`, [checkpoint, asOf.iso]);
    if (row?.past) return;
    const head = await this.runner.headPosition();
    if (!(await this.runner.waitFor(projection, head, this.settings.readWaitMs))) {
      void reply.header('retry-after', '1');
      throw new ProblemError(problem(503, `${readSubject(projection)} has not reached position ${head} yet; retry shortly`));
    }
    void reply.header('ledger-position', String(this.runner.checkpoint(projection)));
  }

  async programme(id: string, asOf: AsOf | null): Promise<Programme> {
    const [row] = await this.dataSource.query(
      `select id, currency, "donorId", "donorName", title from read.ledger_programmes where id = $1 and ($2::timestamptz is null or "recordedAt" <= $2::timestamptz)`,
      [id, asOf?.iso ?? null],
    );
    if (!row) throw new ProblemError(problem(404, asOf ? `programme '${id}' was not recorded as of ${asOf.iso}` : `programme '${id}' was not found`));
    return row;
  }

  // ---------------------------------------------------------------- impact

  async impact(programmeId: string, groupBy: GroupBy, asOf: AsOf | null) {
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const programme = await this.programmeIn(em, programmeId, asOf);
      const rows: { field: string; municipalityId: string; oblast: string; priority: string; amount: string }[] = await em.query(
        `select field, "municipalityId", oblast, priority, sum(delta)::text as amount from read.impact_entries
         where "programmeId" = $1 and ($2::timestamptz is null or "recordedAt" <= $2::timestamptz) group by 1, 2, 3, 4`,
        [programmeId, asOf?.iso ?? null],
      );
      const keyOf = (r: (typeof rows)[number]) =>
        groupBy === 'none' ? 'all' : groupBy === 'oblast' ? r.oblast : groupBy === 'municipality' ? r.municipalityId : r.priority;
      const sums = new Map<string, Map<string, bigint>>();
      const totals = new Map<string, bigint>();
      for (const r of rows) {
        const key = keyOf(r);
        if (!sums.has(key)) sums.set(key, new Map());
        const row = sums.get(key)!;
        row.set(r.field, (row.get(r.field) ?? 0n) + BigInt(r.amount));
        totals.set(r.field, (totals.get(r.field) ?? 0n) + BigInt(r.amount));
      }
      if (groupBy === 'none' && !sums.has('all')) sums.set('all', new Map());
      const figures = (values: Map<string, bigint>) =>
        Object.fromEntries(IMPACT_FIELDS.map((f) => [f, isAmountField(f) ? formatAmount({ minor: values.get(f) ?? 0n, currency: programme.currency }) : Number(values.get(f) ?? 0n)]));
      const keys = [...sums.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0));
      return {
        programmeId,
        asOf: asOf?.iso ?? null,
        groupBy,
        currency: programme.currency,
        totals: figures(totals),
        rows: keys.map((key) => ({ key: key === '' ? null : key, ...figures(sums.get(key)!) })),
      };
    });
  }

  async explainImpact(q: { programmeId: string; field: ImpactField; key?: string; groupBy?: GroupBy; asOf: AsOf | null; fromPosition: number; limit: number }) {
    const programme = await this.programme(q.programmeId, q.asOf);
    let groupBy: GroupBy = q.groupBy ?? 'none';
    if (q.key !== undefined && !q.groupBy) {
      // The key alone names its grouping: the first dimension that has it.
      groupBy = 'priority';
      for (const g of ['municipality', 'oblast'] as const) {
        const [hit] = await this.dataSource.query(`select 1 from read.impact_entries where "programmeId" = $1 and ${DIMENSION[g]} = $2 limit 1`, [q.programmeId, q.key]);
        if (hit) {
          groupBy = g;
          break;
        }
      }
    }
    const params: unknown[] = [q.programmeId, q.field, q.asOf?.iso ?? null];
    let where = `x."programmeId" = $1 and x.field = $2 and ($3::timestamptz is null or x."recordedAt" <= $3::timestamptz)`;
    if (groupBy !== 'none' && q.key !== undefined) {
      params.push(q.key);
      where += ` and x.${DIMENSION[groupBy]} = $${params.length}`;
    }
    const [{ value }] = await this.dataSource.query(`select coalesce(sum(x.delta), 0)::text as value from read.impact_entries x where ${where}`, params);
    const rows = await this.dataSource.query(
      `select x.position, x.seq, x.delta::text as delta, x."entityId", x."municipalityId", x.oblast, x.priority
       from read.impact_entries x where ${where} and x.position >= $${params.length + 1}
       order by x.position, x.seq limit $${params.length + 2}`,
      [...params, q.fromPosition, q.limit + 1],
    );
    const page = rows.slice(0, q.limit);
    const nextPosition = rows.length > q.limit ? Number(rows[q.limit].position) : null;
    const events = new Map((await this.events.atPositions(page.map((r: any) => Number(r.position)), null)).map((e) => [e.position, e]));
    const hashes = await this.events.hashesOf([...events.keys()]);
    const amount = isAmountField(q.field);
    const fmt = (minor: string) => (amount ? formatAmount({ minor: BigInt(minor), currency: programme.currency }) : Number(minor));
    return {
      programmeId: q.programmeId,
      field: q.field,
      groupBy,
      key: groupBy === 'none' ? null : (q.key ?? null),
      asOf: q.asOf?.iso ?? null,
      currency: programme.currency,
      value: fmt(value),
      items: page.map((r: any) => {
        const e = events.get(Number(r.position));
        return {
          position: Number(r.position),
          type: e?.type ?? null,
          streamId: e?.streamId ?? null,
          recordedAt: e?.recordedAt ?? null,
          hash: hashes.get(Number(r.position)) ?? null,
          entityId: r.entityId || null,
          municipalityId: r.municipalityId || null,
          oblast: r.oblast || null,
          priority: r.priority || null,
          delta: fmt(r.delta),
        };
      }),
      nextPosition,
    };
  }

  // ---------------------------------------------------------------- fund flow

  async fundFlow(programmeId: string, asOf: AsOf | null) {
    return this.dataSource.transaction('REPEATABLE READ', async (em) => {
      const programme = await this.programmeIn(em, programmeId, asOf);
      const rows: BalanceRow[] = await em.query(
        `select book, kind, account, "counterAccount", "municipalityId", sum(amount)::text as amount from read.ledger_postings
         where "programmeId" = $1 and ($2::timestamptz is null or "recordedAt" <= $2::timestamptz) group by 1, 2, 3, 4, 5`,
        [programmeId, asOf?.iso ?? null],
      );
      return fundFlowFrom(programme, rows, asOf);
    });
  }

  async explainFundFlow(q: { programmeId: string; field: FundFlowField; key?: string; asOf: AsOf | null; fromPosition: number; limit: number }) {
    const programme = await this.programme(q.programmeId, q.asOf);
    const P = `programme:${q.programmeId}`;
    const params: unknown[] = [q.programmeId, q.asOf?.iso ?? null, P];
    const bind = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    // $3 (the programme's account) is typed here, as not every figure's SQL uses it.
    const base = `p."programmeId" = $1 and ($2::timestamptz is null or p."recordedAt" <= $2::timestamptz) and $3::text is not null`;
    const figure = (f: keyof typeof FIGURE_SQL) => FIGURE_SQL[f].replace(/\$P/g, '$3').replace(/\b(book|kind|account|amount)\b/g, 'p.$1');
    let select: string;
    if (q.field === 'flows') {
      const [from, to] = (q.key ?? '').split('>');
      if (!from || !to) throw new ProblemError(problem(400, "key: a flow is named '<from>><to>', e.g. 'donor:inl>programme:p1'", { errors: [{ field: 'key', message: 'expected <from>><to>' }] }));
      select = `select p.position, p.leg, p.amount, 1 as sign, p.account, p."counterAccount", p.kind, p."municipalityId" from read.ledger_postings p
                where ${base} and p.book = 'cash' and p.account = ${bind(to)} and p."counterAccount" = ${bind(from)}`;
    } else {
      const parts: [keyof typeof FIGURE_SQL, number][] = q.field === 'available' ? [['budget', 1], ['committed', -1]] : [[q.field, 1]];
      const byMunicipality = q.key !== undefined && q.field !== 'budget' && q.field !== 'received' && q.field !== 'available' ? ` and p."municipalityId" = ${bind(q.key)}` : '';
      select = parts
        .map(([f, sign]) => `select p.position, p.leg, p.amount, ${sign} as sign, p.account, p."counterAccount", p.kind, p."municipalityId" from read.ledger_postings p where ${base} and ${figure(f)}${byMunicipality}`)
        .join(' union all ');
    }
    const [{ value }] = await this.dataSource.query(`select coalesce(sum(amount * sign), 0)::text as value from (${select}) s`, params);
    const rows = await this.dataSource.query(
      `select * from (${select}) s where position >= ${bind(q.fromPosition)} order by position, leg limit ${bind(q.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, q.limit);
    const nextPosition = rows.length > q.limit ? Number(rows[q.limit].position) : null;
    const events = new Map((await this.events.atPositions(page.map((r: any) => Number(r.position)), null)).map((e) => [e.position, e]));
    const hashes = await this.events.hashesOf([...events.keys()]);
    const fmt = (minor: bigint) => formatAmount({ minor, currency: programme.currency });
    return {
      programmeId: q.programmeId,
      field: q.field,
      key: q.key ?? null,
      asOf: q.asOf?.iso ?? null,
      currency: programme.currency,
      value: fmt(BigInt(value)),
      items: page.map((r: any) => {
        const e = events.get(Number(r.position));
        return {
          position: Number(r.position),
          type: e?.type ?? null,
          streamId: e?.streamId ?? null,
          recordedAt: e?.recordedAt ?? null,
          hash: hashes.get(Number(r.position)) ?? null,
          account: r.account,
          counterAccount: r.counterAccount,
          kind: r.kind,
          municipalityId: r.municipalityId || null,
          amount: fmt(BigInt(r.amount) * BigInt(r.sign)),
        };
      }),
      nextPosition,
    };
  }

  private async programmeIn(em: { query: DataSource['query'] }, id: string, asOf: AsOf | null): Promise<Programme> {
    const [row] = await em.query(
      `select id, currency, "donorId", "donorName", title from read.ledger_programmes where id = $1 and ($2::timestamptz is null or "recordedAt" <= $2::timestamptz)`,
      [id, asOf?.iso ?? null],
    );
    if (!row) throw new ProblemError(problem(404, asOf ? `programme '${id}' was not recorded as of ${asOf.iso}` : `programme '${id}' was not found`));
    return row;
  }
}

/** The fund-flow answer from the programme's summed legs (the same whether summed now or up to a moment). */
export function fundFlowFrom(programme: Programme, rows: BalanceRow[], asOf: AsOf | null) {
  const P = `programme:${programme.id}`;
  const is = {
    budget: (r: BalanceRow) => r.book === 'budget' && r.account === P,
    received: (r: BalanceRow) => r.book === 'cash' && r.kind === 'received' && r.account === P,
    committed: (r: BalanceRow) => r.book === 'commitment' && (r.account.startsWith('grant:') || r.account.startsWith('facility:')),
    disbursed: (r: BalanceRow) => r.book === 'cash' && r.kind === 'disbursed' && BigInt(r.amount) > 0n,
    coFundingReceived: (r: BalanceRow) => r.book === 'cash' && r.kind === 'co-funding' && BigInt(r.amount) > 0n,
  };
  const total = (test: (r: BalanceRow) => boolean) => rows.filter(test).reduce((s, r) => s + BigInt(r.amount), 0n);
  const fmt = (minor: bigint) => formatAmount({ minor, currency: programme.currency });
  const budget = total(is.budget);
  const committed = total(is.committed);

  const municipalities = new Map<string, { committed: bigint; disbursed: bigint; coFundingReceived: bigint }>();
  for (const r of rows) {
    if (!r.municipalityId) continue;
    const field = is.committed(r) ? 'committed' : is.disbursed(r) ? 'disbursed' : is.coFundingReceived(r) ? 'coFundingReceived' : null;
    if (!field) continue;
    if (!municipalities.has(r.municipalityId)) municipalities.set(r.municipalityId, { committed: 0n, disbursed: 0n, coFundingReceived: 0n });
    municipalities.get(r.municipalityId)![field] += BigInt(r.amount);
  }

  // Net cash between two accounts, oriented the way the money went.
  const net = new Map<string, bigint>();
  for (const r of rows) {
    if (r.book !== 'cash') continue;
    const key = `${r.counterAccount}\u0000${r.account}`;
    net.set(key, (net.get(key) ?? 0n) + BigInt(r.amount));
  }
  const flows = [...net]
    .filter(([, amount]) => amount > 0n)
    .map(([key, amount]) => {
      const [from, to] = key.split('\u0000');
      return { from, to, amount: fmt(amount) };
    })
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));

  return {
    programmeId: programme.id,
    asOf: asOf?.iso ?? null,
    currency: programme.currency,
    donor: { id: programme.donorId, name: programme.donorName },
    budget: fmt(budget),
    received: fmt(total(is.received)),
    committed: fmt(committed),
    disbursed: fmt(total(is.disbursed)),
    coFundingReceived: fmt(total(is.coFundingReceived)),
    available: fmt(budget - committed),
    byMunicipality: [...municipalities.keys()].sort().map((id) => {
      const m = municipalities.get(id)!;
      return { municipalityId: id, committed: fmt(m.committed), disbursed: fmt(m.disbursed), coFundingReceived: fmt(m.coFundingReceived) };
    }),
    flows,
  };
}
