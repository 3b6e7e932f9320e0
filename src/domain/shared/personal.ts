/**
 * Personal data of people (names, contacts) is crypto-shredded (src/audit/personal-data.ts): the HTTP edge
 * hands the domain plain text, which deciders check like any text; before the events are stored, the write
 * side replaces it with an encrypted envelope under the person's own key. Stored events, read models and
 * exports therefore hold `Sealed` values, readable only through PersonalData.reveal, and only until the
 * person's data is erased (then they read "[erased]").
 */
export interface Sealed {
  enc: string;
  /** The data subject (person) whose key encrypts the value. */
  subject: string;
  iv: string;
  tag: string;
  ct: string;
}

/** A personal value: plain text on its way in, sealed once recorded. */
export type PersonalText = string | Sealed;
