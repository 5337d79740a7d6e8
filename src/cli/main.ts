/** The llm-roofline command line: wires commander to the layers, maps errors to exit codes. */
import { Command, Option, type OptionValues } from '@commander-js/extra-typings';
import { errnoText } from '../io/errno.js';
import { UserError } from '../io/errors.js';
import { toolInfo } from '../io/version.js';
import { registerCompare } from './compare-command.js';
import { isCleanExit, throwParseErrors, UsageError } from './parse-errors.js';
import { DEFAULT_BITS, EFFICIENCY_HELP, MOE_HELP, type WorkloadOptionValues } from './options.js';

const DEFAULTS = {
  model: 'paper/gta-1b',
  hardware: 'h100-sxm',
  phase: 'decode',
  batch: '1',
  seq: '2048',
  context: '2048',
} as const;

const ATTENTION_HELP = 'swap another attention design into every layer: kind:key=value,… (e.g. gqa:heads=32,kvHeads=8,headDim=128) or a JSON file with { "attention": { … } }; the model id gets +kind';
const BITS_HELP = `weight/activation/KV widths, e.g. w16a16kv16, w4a16kv8, or a format (fp32, fp16, bf16, fp8, fp4: all three in it, computed at its peak) (default ${DEFAULT_BITS}, with the weight width of the model's checkpoint when its file gives weightBits)`;

/** Adds the options shared by analyze and sweep. */
function workloadOptions(cmd: Command, listNote: string): Command<[], WorkloadOptionValues> {
  // extra-typings infers option types along one call chain; this helper states the result type once instead.
  const models = modelOptions(cmd, listNote)
    .option('--phase <phase>', `prefill or decode${listNote}`, DEFAULTS.phase)
    .option('--batch <B>', `sequences per batch${listNote}`, DEFAULTS.batch)
    .option('--seq <S>', `prompt length for prefill${listNote}`, DEFAULTS.seq)
    .option('--context <L>', `keys attended by the new token in decode${listNote}`, DEFAULTS.context);
  return settingOptions(models, listNote);
}

/** The model, its attention swap and the device. */
function modelOptions(cmd: Command, listNote: string): Command<[], Pick<WorkloadOptionValues, 'model' | 'attention' | 'hardware'>> {
  return cmd
    .option('--model <id|path>', `model id under configs/ or a JSON file (own format or Hugging Face config.json)${listNote}`, DEFAULTS.model)
    .option('--attention <spec|path>', ATTENTION_HELP)
    .option('--hardware <id|path>', `hardware id under hardware-profiles/ or a JSON file${listNote}`, DEFAULTS.hardware);
}

/** Everything of a workload but its phase and sizes: widths, kernel accounting, the split over devices, the output. */
function settingOptions<O extends OptionValues>(cmd: Command<[], O>, listNote: string, efficiencyDefault = 'peak'): Command<[], O & SettingValues> {
  // The chain's inferred type is O combined with these options, which TypeScript cannot relate to a generic O: stated.
  return cmd
    .option('--bits <spec>', `${BITS_HELP}${listNote}`)
    .option('--weight-bits <n>', 'override the weight width')
    .option('--act-bits <n>', 'override the activation width')
    .option('--kv-bits <n>', 'override the KV-cache width')
    .addOption(new Option('--pairs <mode>', 'prefill (query, key) pairs: causal S(S+1)/2 or dense S²').choices(['causal', 'dense']).default('causal'))
    .addOption(new Option('--mla <mode>', 'MLA form (default: naive in prefill, absorbed in decode)').choices(['naive', 'absorbed']))
    .addOption(new Option('--cost-model <name>', 'exact; llm-viewer (LLM-Viewer\'s accounting); llm-viewer-gta (the GTA paper\'s LLM-Viewer fork)').choices(['exact', 'llm-viewer', 'llm-viewer-gta']).default('exact'))
    .option('--moe-imbalance <g>', MOE_HELP)
    .option('--tp <t>', `tensor-parallel devices: heads, MLP columns and vocabulary split, an all-reduce after each block${listNote}`)
    .option('--pp <s>', `pipeline stages of contiguous layers, a send between stages${listNote}`)
    .option('--ep <e>', `expert-parallel ranks: routed experts split, attention data-parallel, all-to-alls per MoE layer${listNote}`)
    .option('--dp <d>', `data-parallel replicas (throughput × d, no communication)${listNote}`)
    .option('--overlap', 'collectives overlap compute (a pass, or each pipeline stage, takes the longer of the two; default: their sum)')
    .option('--micro-batches <m>', 'micro-batches a pipeline keeps in flight (default: one per stage)')
    .option('--efficiency <name|path>', `${EFFICIENCY_HELP} (default ${efficiencyDefault})${listNote === '' ? '' : '; typical picks each device\'s family'}`)
    .option('--out <file>', 'write to a file (atomically) instead of stdout') as unknown as Command<[], O & SettingValues>;
}

/** Help of --kv-offload (analyze, generate, sweep). */
const KV_OFFLOAD_HELP = 'the KV cache in host memory, streamed over the host link (PCIe) layer by layer, two layers resident on the device';

/** Values of settingOptions' options. */
type SettingValues = Omit<WorkloadOptionValues, 'model' | 'attention' | 'hardware' | 'phase' | 'batch' | 'seq' | 'context'>;

/** The program with every command; actions load their modules lazily to keep start-up fast. */
export function buildProgram(): Command {
  const program = new Command()
    .name('llm-roofline')
    .description('Roofline cost of MHA, GQA, MLA and GTA attention: FLOPs, KV cache and memory traffic per operator, predicted prefill and decode time.')
    .version(toolInfo().version)
    // Each command's options only after its name, so `models show ID --format text` is show's --format, not models'.
    .enablePositionalOptions();

  const analyze = workloadOptions(program.command('analyze').description('per-operator roofline analysis of one model on one device'), '')
    .option('--flash', 'fused (FlashAttention-style) attention kernel', false)
    .option('--mtp', 'also cost the model\'s multi-token-prediction module (DeepSeek-V3), run once per pass', false)
    .option('--kv-offload', KV_OFFLOAD_HELP, false)
    .addOption(new Option('--scope <scope>', 'attention (one layer\'s attention), layer, or model').choices(['attention', 'layer', 'model']).default('model'))
    .addOption(new Option('--format <format>', 'output format: table, json, csv, md, svg (roofline chart) or html (self-contained report)').choices(['table', 'json', 'csv', 'md', 'svg', 'html']).default('table'));
  analyze.action(async (o) => {
    const { runAnalyze } = await import('./analyze.js');
    runAnalyze(o);
  });

  const sweep = workloadOptions(program.command('sweep').description('every combination of comma-separated lists, as llm-roofline.sweep/v1 JSON, CSV or Arrow'), ' (comma-separated list)')
    .option('--flash [mode]', 'fused attention: no value or "yes", "no", or "both"')
    .option('--no-flash', 'unfused attention only (the default)')
    .option('--kv-offload', `${KV_OFFLOAD_HELP}; every point (adds the hostTransferSeconds and hostKvCacheBytes columns)`, false)
    .addOption(new Option('--scope <scope>', 'attention, layer, or model').choices(['attention', 'layer', 'model']).default('model'))
    .addOption(new Option('--format <format>', 'output format: json, csv, arrow (Apache Arrow IPC file: pandas read_feather, polars read_ipc) or svg (time against length, per model and batch)').choices(['json', 'csv', 'arrow', 'svg']).default('json'));
  sweep.action(async (o) => {
    const { runSweep } = await import('./sweep.js');
    await runSweep(o);
  });

  const generate = settingOptions(
    modelOptions(program.command('generate').description('request batches end to end: TTFT, TPOT, E2E, tokens/s, energy, cost and what fits, as llm-roofline.generate/v1'), '')
      .option('--input <N>', 'prompt tokens per sequence (comma-separated list)', DEFAULTS.seq)
      .option('--output <M>', 'output tokens per sequence, the first from the prefill (comma-separated list)', '128')
      .option('--batch <B>', 'sequences decoded together (comma-separated list)', DEFAULTS.batch),
    '',
    'typical, or peak on a device no shipped profile covers',
  )
    .option('--price-per-device-hour <usd>', 'USD per device-hour: adds the cost per million output tokens')
    .option('--memory-reserve <f>', 'share of each device\'s memory kept for the serving engine (default 0.1: vLLM\'s gpu_memory_utilization 0.9)')
    .addOption(new Option('--disaggregate <link>', 'prefill and decode on separate devices, the KV cache moved over this link after the prefill').choices(['scale-up', 'scale-out']))
    .option('--decode-hardware <id|path>', 'with --disaggregate: the decode devices (default: the prefill\'s)')
    .option('--flash', 'fused (FlashAttention-style) attention kernel', false)
    .option('--mtp', 'also cost the model\'s multi-token-prediction module (DeepSeek-V3), run once per pass', false)
    .option('--kv-offload', `${KV_OFFLOAD_HELP}; every step streams it`, false)
    .option('--chunk <C>', 'chunked prefill: prompt tokens per pass')
    .option('--draft-tokens <k>', 'speculative decoding: tokens drafted per step (1 to 16)')
    .option('--acceptance <a>', 'speculative decoding: probability that the target accepts a drafted token (0 to 1)')
    .option('--draft-model <id|file>', 'speculative decoding: the draft model (a shipped id or a config file)')
    .option('--draft <mtp>', 'speculative decoding: mtp drafts with the target\'s multi-token-prediction module')
    .addOption(new Option('--format <format>', 'output format: table, json (llm-roofline.generate/v1), csv, svg (TTFT and TPOT charts) or html (report with the charts)').choices(['table', 'json', 'csv', 'svg', 'html']).default('table'));
  generate.action(async (o) => {
    const { runGenerate } = await import('./generate.js');
    runGenerate(o);
  });

  const models = program
    .command('models')
    .description('list shipped models')
    .enablePositionalOptions()
    .addOption(new Option('--format <format>', 'table or json (llm-roofline.models/v1)').choices(['table', 'json'] as const).default('table' as const));
  models.action(async (o) => {
    const { listModels } = await import('./catalog.js');
    listModels(o);
  });
  models
    .command('show')
    .argument('<id|path>', 'model id or JSON file')
    .description('print one model config with its derived quantities')
    .addOption(new Option('--format <format>', 'json (llm-roofline.model/v1) or text').choices(['json', 'text'] as const).default('json' as const))
    .action(async (id, o) => {
      const { showModel } = await import('./catalog.js');
      showModel(id, o);
    });

  const hardware = program
    .command('hardware')
    .description('list shipped hardware profiles')
    .enablePositionalOptions()
    .addOption(new Option('--format <format>', 'table or json (llm-roofline.hardware-list/v1)').choices(['table', 'json'] as const).default('table' as const));
  hardware.action(async (o) => {
    const { listHardware } = await import('./catalog.js');
    listHardware(o);
  });
  hardware
    .command('show')
    .argument('<id|path>', 'hardware id or JSON file')
    .description('print one profile with every number\'s source')
    .addOption(new Option('--format <format>', 'text or json (llm-roofline.hardware/v1)').choices(['text', 'json'] as const).default('text' as const))
    .action(async (id, o) => {
      const { showHardware } = await import('./catalog.js');
      showHardware(id, o);
    });

  program
    .command('formulas')
    .argument('<model|variant>', 'a model id/path, or a variant: mha, gqa, mla, gta')
    .description('print each operator\'s FLOP and byte formulas and the KV-cache formula')
    .addOption(new Option('--format <format>', 'text, latex, or json (llm-roofline.formulas/v1: text, LaTeX and, for a model, the values)').choices(['text', 'latex', 'json']).default('text'))
    .addOption(new Option('--phase <phase>', 'prefill or decode').choices(['prefill', 'decode']).default('decode'))
    .option('--flash', 'fused attention kernel', false)
    .option('--batch <B>', 'json values: sequences per batch', DEFAULTS.batch)
    .option('--seq <S>', 'json values: prompt length for prefill', DEFAULTS.seq)
    .option('--context <L>', 'json values: keys attended by the new token in decode', DEFAULTS.context)
    .option('--bits <spec>', 'json values: weight/activation/KV widths or a format (fp16, bf16, fp8, ...)', DEFAULT_BITS)
    .option('--hardware <id|path>', 'json values: the device (its on-chip memory sizes fused-attention tiles)', DEFAULTS.hardware)
    .addOption(new Option('--pairs <mode>', 'prefill pair convention').choices(['causal', 'dense']).default('causal'))
    .addOption(new Option('--mla <mode>', 'MLA form').choices(['naive', 'absorbed']))
    .addOption(new Option('--scope <scope>', 'attention, layer, or model').choices(['attention', 'layer', 'model']).default('attention'))
    .option('--tp <t>', 'split over t tensor-parallel devices: one device\'s formulas, with the all-reduces')
    .option('--pp <s>', 'pipeline stages: the sends between them (scope model)')
    .option('--ep <e>', 'expert-parallel ranks: the routed experts\' share and the all-to-alls')
    .action(async (target, o) => {
      const { runFormulas } = await import('./formulas.js');
      await runFormulas(target, o);
    });

  program
    .command('run')
    .description('execute one attention layer of a model and compare the measured time with the prediction')
    .option('--model <id|path>', 'model id or JSON file', DEFAULTS.model)
    .option('--attention <spec|path>', ATTENTION_HELP)
    .addOption(new Option('--phase <phase>', 'prefill or decode').choices(['prefill', 'decode']).default('decode'))
    .option('--batch <B>', 'sequences per batch', DEFAULTS.batch)
    .option('--seq <S>', 'prompt length for prefill', '512')
    .option('--context <L>', 'keys attended by the new token in decode', DEFAULTS.context)
    .option('--threads <n>', 'worker threads of the fast kernels (default: up to 2)')
    .addOption(new Option('--backend <name>', 'fast (WebAssembly SIMD, FP32) or reference (float64)').choices(['fast', 'reference']).default('fast'))
    .option('--hardware <id|path>', 'profile to predict with (default: the calibrated hardware-profiles/host.json)')
    .addOption(new Option('--mla <mode>', 'MLA form (default: naive in prefill, absorbed in decode)').choices(['naive', 'absorbed']))
    .addOption(new Option('--format <format>', 'table or json').choices(['table', 'json']).default('table'))
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--breakdown', 'also time matrix products, attention and element-wise steps separately, beside the model')
    .action(async (o) => {
      const { runRun } = await import('./run.js');
      await runRun(o);
    });

  program
    .command('calibrate')
    .description('measure this machine with the kernel engine and write hardware-profiles/host.json')
    .option('--threads <n>', 'worker threads (default: up to 2)')
    .option('--out <file>', 'where to write the profile (default hardware-profiles/host.json)')
    .option('--rounds <n>', 'rounds of every probe; each figure is their median (default 36)')
    .option('--cache-bytes <size>', 'last-level cache to size the memory probes by, e.g. 480MiB, or "none" (default: what the OS reports)')
    .option('--memory-limit <size>', 'most memory the probes may take together, e.g. 1GiB (they also stay within the engine\'s 4 GiB and 75% of free memory)')
    .action(async (o) => {
      const { runCalibrate } = await import('./calibrate.js');
      await runCalibrate(o);
    });

  program
    .command('validate')
    .description('predicted against measured attention-layer times on this machine (or from --measurements)')
    .option('--quick', 'a subset that runs in under 30 s', false)
    .option('--measurements <file>', 'compare predictions with timings measured elsewhere (.json or .csv)')
    .option('--threads <n>', 'worker threads of the fast kernels (default: up to 2)')
    .option('--passes <n>', 'passes over the grid; each point is the median of its passes (default 5, 3 with --quick)')
    .option('--calibrate [profile]', 'calibrate during the runs (rounds interleaved with the points), write the profile (default hardware-profiles/host.json) and predict with it')
    .option('--cache-bytes <size>', 'with --calibrate: the last-level cache to size the memory probes by, or "none" (default: what the OS reports)')
    .option('--memory-limit <size>', 'with --calibrate: most memory the probes may take together')
    .addOption(new Option('--backend <name>', 'fast or reference').choices(['fast', 'reference']).default('fast'))
    .option('--hardware <id|path>', 'profile to predict with (default: hardware-profiles/host.json)')
    .addOption(new Option('--format <format>', 'table or json').choices(['table', 'json']).default('table'))
    .option('--out <file>', 'also write llm-roofline.validation/v1 JSON to a file')
    .action(async (o) => {
      const { runValidate } = await import('./validate.js');
      await runValidate(o);
    });

  program
    .command('fit')
    .description('fit an efficiency profile (--efficiency FILE) to times measured on one device, with residuals')
    .requiredOption('--measurements <file>', 'measured times (.json or .csv, the validate --measurements format), all on one hardware profile')
    .option('--base <efficiency>', 'where the fit starts and what terms the data cannot determine keep: peak, typical, typical:<family> or FILE', 'peak')
    .option('--name <name>', 'the fitted profile\'s name (default: the hardware and the measurements file)')
    .addOption(new Option('--format <format>', 'table or json').choices(['table', 'json']).default('table'))
    .option('--out <file>', 'write the fitted profile (efficiency-profile JSON, for --efficiency FILE)')
    .action(async (o) => {
      const { runFit } = await import('./fit.js');
      runFit(o);
    });

  registerCompare(program);

  program
    .command('reproduce')
    .argument('<paper>', 'which paper: gta')
    .description('recompute a paper\'s efficiency tables and figures (JSON, LaTeX, SVG) from the tool\'s own numbers')
    .option('--out <dir>', 'output folder', 'reports/gta')
    .action(async (paper, o) => {
      const { runReproduce } = await import('./reproduce.js');
      await runReproduce(paper, o);
    });

  // Last, so that it reaches every command added above.
  throwParseErrors(program);
  return program;
}

/** Prints an error the way the error model says and returns the exit code. */
export function reportError(e: unknown): number {
  if (e instanceof UsageError) {
    process.stderr.write(`${e.message}\n${e.hint}\n`);
    return 2;
  }
  if (e instanceof UserError) {
    process.stderr.write(`${e.message}\n`);
    return 2;
  }
  process.stderr.write(`llm-roofline: internal error (please report it with the command you ran):\n${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  return 70;
}

/** Entry point. */
export async function main(argv: readonly string[]): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // The reader went away (`| head`): the output it wanted was written, so end quietly. process.exit still runs the
    // 'exit' hook that removes any temporary file.
    if (err.code === 'EPIPE') process.exit(0);
    process.stderr.write(`stdout: cannot write (${errnoText(err)})\n`);
    process.exit(2);
  });
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    process.exitCode = isCleanExit(e) ? 0 : reportError(e);
  }
}
