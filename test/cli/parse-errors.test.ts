/**
 * Parse errors of the real program, in process (no action runs: commander refuses the line first): each kind of
 * error on several commands becomes a UsageError with one line of problem and one of hint.
 */
import { Command, InvalidArgumentError, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { isCleanExit, throwParseErrors, UsageError } from '../../src/cli/parse-errors.js';

/** The UsageError parsing `args` throws, as [message, hint]. */
async function usage(args: readonly string[], program = buildProgram()): Promise<[string, string]> {
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (e) {
    if (e instanceof UsageError) return [e.message, e.hint];
    throw e;
  }
  throw new Error(`expected a UsageError for: ${args.join(' ')}`);
}

const hint = (cmd: string): string => `run 'llm-roofline ${cmd} --help' to see the options`;
const TOP = "run 'llm-roofline --help' to see the commands";
const COMMANDS = 'analyze, sweep, generate, models, hardware, formulas, run, calibrate, validate, fit, compare, reproduce';

describe('parse errors become a problem line and a hint line', () => {
  it.each([
    // unknown option
    [['analyze', '--bogus'], "llm-roofline analyze: unknown option '--bogus'", hint('analyze')],
    [['sweep', '--modle', 'x'], "llm-roofline sweep: unknown option '--modle' (Did you mean --model?)", hint('sweep')],
    [['analyze', '--no-flash'], "llm-roofline analyze: unknown option '--no-flash' (Did you mean --flash?)", hint('analyze')],
    [['models', 'show', '--bogus', 'x'], "llm-roofline models show: unknown option '--bogus'", hint('models show')],
    // unknown command
    [['bogus'], "llm-roofline: unknown command 'bogus'", TOP],
    [['anlyze'], "llm-roofline: unknown command 'anlyze' (Did you mean analyze?)", TOP],
    [['help', 'bogus'], "llm-roofline: unknown command 'bogus'", TOP],
    [['models', 'sho'], "llm-roofline models: unknown command 'sho' (expected one of: show)", hint('models')],
    [['hardware', 'list'], "llm-roofline hardware: unknown command 'list' (expected one of: show)", hint('hardware')],
    // missing command
    [[], `llm-roofline: missing command (expected one of: ${COMMANDS})`, TOP],
    // invalid choice
    [['analyze', '--format', 'xml'], "llm-roofline analyze: option '--format <format>' argument 'xml' is invalid. Allowed choices are table, json, csv, md, svg, html.", hint('analyze')],
    [['formulas', 'gta', '--format', 'html'], "llm-roofline formulas: option '--format <format>' argument 'html' is invalid. Allowed choices are text, latex, json.", hint('formulas')],
    [['run', '--backend', 'gpu'], "llm-roofline run: option '--backend <name>' argument 'gpu' is invalid. Allowed choices are fast, reference.", hint('run')],
    [['compare', '--match-by', 'toString'], "llm-roofline compare: option '--match-by <key>' argument 'toString' is invalid. Allowed choices are auto, model, workload.", hint('compare')],
    // missing argument
    [['models', 'show'], "llm-roofline models show: missing required argument 'id|path'", hint('models show')],
    [['formulas'], "llm-roofline formulas: missing required argument 'model|variant'", hint('formulas')],
    [['reproduce'], "llm-roofline reproduce: missing required argument 'paper'", hint('reproduce')],
    // missing option value
    [['analyze', '--model'], "llm-roofline analyze: option '--model <id|path>' argument missing", hint('analyze')],
    [['compare', '--fail-if'], "llm-roofline compare: option '--fail-if <rule>' argument missing", hint('compare')],
    [['validate', '--measurements'], "llm-roofline validate: option '--measurements <file>' argument missing", hint('validate')],
    // surplus argument
    [['analyze', 'paper/gta-1b'], "llm-roofline analyze: too many arguments for 'analyze'. Expected 0 arguments but got 1.", hint('analyze')],
    [['hardware', 'show', 'a', 'b'], "llm-roofline hardware show: too many arguments for 'show'. Expected 1 argument but got 2.", hint('hardware show')],
    [['formulas', 'gta', 'mha'], "llm-roofline formulas: too many arguments for 'formulas'. Expected 1 argument but got 2.", hint('formulas')],
  ])('%j', async (args, message, help) => {
    expect(await usage(args)).toEqual([message, help]);
  });

  it('help and version are clean exits, not errors', async () => {
    const program = buildProgram();
    // Help goes to stdout through each command's own output settings.
    const silence = (c: CommandUnknownOpts): void => {
      c.configureOutput({ writeOut: () => undefined });
      c.commands.forEach(silence);
    };
    silence(program);
    for (const args of [['--help'], ['--version'], ['analyze', '--help'], ['help', 'compare']]) {
      const thrown = await program.parseAsync(args, { from: 'user' }).then(() => undefined, (e: unknown) => e);
      expect(isCleanExit(thrown)).toBe(true);
    }
    expect(isCleanExit(new UsageError('x', 'y', 'z'))).toBe(false);
  });
});

describe('throwParseErrors on any commander program', () => {
  // Kinds the shipped commands do not use today; whoever adds one gets the same two lines.
  const program = (): Command => {
    const p = new Command().name('tool');
    p.command('go')
      .addOption(new Option('--fast', 'fast').conflicts('slow'))
      .option('--slow', 'slow')
      .option('--n <n>', 'a number', (v: string) => {
        if (!/^\d+$/.test(v)) throw new InvalidArgumentError('expected a whole number.');
        return Number(v);
      })
      .requiredOption('--out <file>', 'output')
      .action(() => undefined);
    throwParseErrors(p);
    return p;
  };
  it.each([
    [['go', '--out', 'f', '--fast', '--slow'], "tool go: option '--fast' cannot be used with option '--slow'"],
    [['go', '--out', 'f', '--n', 'x'], "tool go: option '--n <n>' argument 'x' is invalid. expected a whole number."],
    [['go'], "tool go: required option '--out <file>' not specified"],
  ])('%j', async (args, message) => {
    expect(await usage(args, program())).toEqual([message, "run 'tool go --help' to see the options"]);
  });
  it('reaches commands added under commands', async () => {
    const p = new Command().name('tool');
    p.command('a').command('b').command('c').action(() => undefined);
    throwParseErrors(p);
    expect(await usage(['a', 'b', 'c', '--x'], p)).toEqual(["tool a b c: unknown option '--x'", "run 'tool a b c --help' to see the options"]);
  });
});
