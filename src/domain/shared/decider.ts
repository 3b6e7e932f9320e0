/**
 * The decider: an aggregate is three pure things. The command handler (src/write) is the only impure
 * part: it loads the stream, folds it with `evolve`, calls `decide` and appends what it returns.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  /** The business date the event speaks of (a council's decision date may lie in the past). */
  effectiveOn?: string;
}

export interface Decider<Command, State, Event extends DomainEvent> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  /** Returns the events the command causes, or throws a RuleViolation. */
  decide(command: Command, state: State): Event[];
}

export function fold<State, Event extends DomainEvent>(
  decider: Pick<Decider<unknown, State, Event>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState());
}

/** Who asks, as the JWT names them. Deciders use it for rules about people (maker-checker, members). */
export interface Actor {
  id: string;
  roles: string[];
  name?: string;
}
