/**
 * Command-line parse errors (unknown option or command, invalid choice, missing or surplus argument, conflicting
 * options) under the error model: exit 2, one line saying what was wrong and one saying where the options are,
 * instead of commander's exit 1 followed by forty lines of help.
 */
import { CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { UserError } from '../io/errors.js';

/** A usage error: the problem on one line (`llm-roofline analyze: unknown option '--bogus'`), then a hint line. */
export class UsageError extends UserError {
  constructor(
    command: string,
    detail: string,
    /** What to run to see the options, printed as a second line. */
    readonly hint: string,
  ) {
    super(command, '', detail);
    this.name = 'UsageError';
  }
}

/** `llm-roofline models show`: the names from the program down to `cmd`. */
function commandPath(cmd: CommandUnknownOpts): string {
  const names: string[] = [];
  for (let c: CommandUnknownOpts | null = cmd; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Commander's message as one line: without its `error: ` prefix, a "Did you mean" suggestion joined on. */
function oneLine(message: string): string {
  return message.replace(/^error:\s*/, '').split(/\s*\n\s*/).filter((s) => s !== '').join(' ');
}

/** The UsageError for a commander error raised while parsing `cmd`, or undefined for help and version (exit 0). */
export function usageError(cmd: CommandUnknownOpts, err: CommanderError): UsageError | undefined {
  if (err.exitCode === 0) return undefined;
  const path = commandPath(cmd);
  const hint = `run '${path} --help' to see the ${cmd.parent === null ? 'commands' : 'options'}`;
  const names = cmd.commands.map((c) => c.name()).filter((n) => n !== 'help');
  // `models bogus`: a command with an action of its own and subcommands reads a misspelt subcommand as a surplus argument.
  const surplus = cmd.args[0];
  if (err.code === 'commander.excessArguments' && names.length > 0 && surplus !== undefined) {
    return new UsageError(path, `unknown command '${surplus}' (expected one of: ${names.join(', ')})`, hint);
  }
  if (err.code !== 'commander.help') return new UsageError(path, oneLine(err.message), hint);
  // Commander answers a missing command, and `help <unknown command>`, with the full help on stderr and no message.
  const asked = cmd.args[0] === 'help' ? cmd.args[1] : undefined;
  return new UsageError(path, asked === undefined ? `missing command (expected one of: ${names.join(', ')})` : `unknown command '${asked}'`, hint);
}

/**
 * Makes every command of the tree throw a UsageError (or, for help and version, commander's own exit-0 error)
 * instead of printing and exiting; call it once every command has been added.
 */
export function throwParseErrors(cmd: CommandUnknownOpts): void {
  cmd.showHelpAfterError(false);
  cmd.configureOutput({
    // The message goes into the thrown UsageError instead.
    outputError: () => undefined,
    // Only help requested by an error is written to stderr; usageError replaces it with two lines.
    writeErr: () => undefined,
  });
  cmd.exitOverride((err) => {
    throw usageError(cmd, err) ?? err;
  });
  for (const sub of cmd.commands) throwParseErrors(sub);
}

/** Whether an error is commander's way of ending after printing help or the version (exit code 0). */
export function isCleanExit(e: unknown): boolean {
  return e instanceof CommanderError && e.exitCode === 0;
}
