/** Wrong input from the user (a flag, a stack file, a hand-off): CLIs exit 2 with the message, no stack trace. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
