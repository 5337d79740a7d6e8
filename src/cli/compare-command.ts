/** Commander registration of `llm-roofline compare`; kept apart from main.ts so the command plugs in with one line. */
import { Option, type Command } from '@commander-js/extra-typings';
import { EFFICIENCY_HELP, MOE_HELP } from './options.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const LIST = ' (comma-separated list)';

/** Adds `compare` to the program: models side by side on a grid, or a candidate file gated against a baseline file. */
export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('models side by side on a grid (ratios to the first), or a candidate sweep/report against a baseline with --fail-if gates for CI')
    .option('--model <ids>', `side by side: models to compare, ratios are to the first${LIST}`)
    .option('--attention <spec|path>', 'side by side: each model is followed by itself with this attention design in every layer (kind:key=value,… or a JSON file with { "attention": { … } }); its id gets +kind')
    .option('--hardware <id|path>', `hardware id or JSON file${LIST}`, 'h100-sxm')
    .option('--phase <phase>', `prefill or decode${LIST}`, 'decode')
    .option('--batch <B>', `sequences per batch${LIST}`, '1')
    .option('--seq <S>', `prompt length for prefill${LIST}`, '2048')
    .option('--context <L>', `keys attended by the new token in decode${LIST}`, '2048')
    .option('--bits <spec>', `weight/activation/KV widths, e.g. w16a16kv16, or a format (fp32, fp16, bf16, fp8, fp4) (default, with the weight width of the models' checkpoints when their files give weightBits)${LIST}`)
    .option('--weight-bits <n>', 'override the weight width')
    .option('--act-bits <n>', 'override the activation width')
    .option('--kv-bits <n>', 'override the KV-cache width')
    .addOption(new Option('--pairs <mode>', 'prefill (query, key) pairs: causal S(S+1)/2 or dense S²').choices(['causal', 'dense']).default('causal'))
    .addOption(new Option('--mla <mode>', 'MLA form (default: naive in prefill, absorbed in decode)').choices(['naive', 'absorbed']))
    .addOption(new Option('--cost-model <name>', 'exact, llm-viewer or llm-viewer-gta').choices(['exact', 'llm-viewer', 'llm-viewer-gta']).default('exact'))
    .option('--moe-imbalance <g>', MOE_HELP)
    .option('--tp <t>', `side by side: tensor-parallel devices${LIST}`)
    .option('--pp <s>', `side by side: pipeline stages${LIST}`)
    .option('--ep <e>', `side by side: expert-parallel ranks${LIST}`)
    .option('--dp <d>', `side by side: data-parallel replicas${LIST}`)
    .option('--overlap', 'side by side: collectives overlap compute (default: their sum)')
    .option('--efficiency <name|path>', `side by side: ${EFFICIENCY_HELP} (default peak); typical picks each device's family`)
    .option('--flash [mode]', 'fused attention: no value or "yes", "no", or "both"')
    .option('--no-flash', 'unfused attention only (the default)')
    .addOption(new Option('--scope <scope>', 'attention, layer, or model').choices(['attention', 'layer', 'model']).default('model'))
    .addOption(new Option('--format <format>', 'side by side: table (default), json, md, csv, latex, svg (time against length); baseline mode: table (default), md or json (llm-roofline.compare-baseline/v1)').choices(['table', 'json', 'md', 'csv', 'latex', 'svg']))
    .option('--baseline <file>', 'baseline mode: an llm-roofline.report/v1 (analyze --format json) or llm-roofline.sweep/v1 (sweep) file')
    .option('--candidate <file>', 'baseline mode: the file to check against --baseline, same formats')
    .option('--fail-if <rule>', 'exit 1 when broken at any point, e.g. "totals.timeSeconds > +5%", "memory.kvCacheBytes > +1e6", or on a true/false field "memory.fitsDevice becomes false" / "memory.fitsDevice == false" (repeatable)', collect, [] as string[])
    .option('--github', 'baseline mode: a Markdown summary for a pull-request comment (same as --format md)', false)
    .addOption(new Option('--match-by <key>', 'baseline mode: match points on model ids too (model), never (workload), or only when a file has several models (auto, the default)').choices(['auto', 'model', 'workload']))
    .option('--out <file>', 'write to a file (atomically) instead of stdout')
    .action(async (o) => {
      const { runCompare } = await import('./compare.js');
      runCompare(o);
    });
}
