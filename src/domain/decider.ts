/**
 * A command or an event: a type name and its data, nothing else, so both survive a JSON round
 * trip and a switch on `type` is exhaustive.
 */
export interface Message<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly data: Data;
}

/**
 * One stream's decision logic as one value (Emmett's `Decider`): the state folded from the
 * stream's events with `evolve`, starting at `initialState`, and `decide`, which answers a
 * command with the events to append or throws a typed domain error. All three are pure.
 */
export interface Decider<State, Command extends Message, Event extends Message> {
  readonly initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}
