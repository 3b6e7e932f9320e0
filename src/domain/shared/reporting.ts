import { RuleViolation } from './errors.js';
import type { ExchangeRate, Money, MoneyJson } from './money.js';
import { convert, parseRate, toJson } from './money.js';

/**
 * An amount as a command gave it, with the rate used and its value in the programme's reporting currency.
 * Events keep all three, so every total in the reporting currency can be reproduced from the log.
 */
export interface ReportedAmount {
  amount: MoneyJson;
  /** null when the amount is already in the reporting currency. */
  exchangeRate: ExchangeRate | null;
  reportingAmount: MoneyJson;
}

/**
 * The value of `m` in the reporting currency. Money in another currency must come with the rate the
 * command carried (contract: 422 `exchange-rate-required` without it); conversion is exact, see convert().
 */
export function inReportingCurrency(m: Money, reportingCurrency: string, rate?: ExchangeRate | null): Money {
  // A rate that was given is checked even where it is not needed: a zero rate is never a value (400).
  if (rate) parseRate(rate);
  if (m.currency === reportingCurrency) return m;
  if (!rate) {
    throw new RuleViolation('exchange-rate-required', `an amount in ${m.currency} needs an exchange rate to ${reportingCurrency}`);
  }
  return convert(m, reportingCurrency, rate);
}

export function reportedAmount(m: Money, reportingCurrency: string, rate?: ExchangeRate | null): ReportedAmount {
  const reporting = inReportingCurrency(m, reportingCurrency, rate);
  return {
    amount: toJson(m),
    exchangeRate: m.currency === reportingCurrency ? null : rate!,
    reportingAmount: toJson(reporting),
  };
}
