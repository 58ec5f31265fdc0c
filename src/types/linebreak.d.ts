// The `linebreak` package (UAX #14) ships no types: what shenbao uses of it.
declare module 'linebreak' {
  export default class LineBreaker {
    constructor(text: string);
    /** The next break opportunity: the position after it, and whether the break is required. */
    nextBreak(): { position: number; required: boolean } | null;
  }
}
