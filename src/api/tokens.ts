/** Injection tokens and plain settings shared by the HTTP layer. */
export const EVENT_STORE = Symbol('EVENT_STORE');

export class AppSettings {
  constructor(
    readonly readWaitMs: number,
    readonly nodeEnv: string,
  ) {}
}
