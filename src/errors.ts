// Errors that stop a command and are the user's to fix, not the program's: a missing input file,
// a font that cannot be read, a template outside the markup subset. The CLI prints their message
// alone; anything else that throws is a bug and is printed with its stack.
export class UserError extends Error {
  override name = 'UserError';
}
