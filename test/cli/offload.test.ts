/** `--kv-offload` on the command line: JSON fields, and one-line refusals with exit code 2. */
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const DECODE = ['analyze', '--model', 'paper/gta-1b', '--phase', 'decode', '--batch', '64', '--context', '2048'];

describe('--kv-offload', () => {
  it('analyze: workload.kvOffload, the host transfers as operators, host-side bytes and a note', () => {
    const r = cli([...DECODE, '--hardware', 'h100-sxm', '--kv-offload', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { workload: { kvOffload?: boolean }; ops: { name: string; bytes: { network?: number } }[]; totals: { hostTransferSeconds?: number }; memory: { kvCacheBytes: number; hostKvCacheBytes?: number }; notes: string[] };
    expect(doc.workload.kvOffload).toBe(true);
    // 64 × 2048 × 192 × 2 bytes (fp16 cache).
    expect(doc.ops.find((o) => o.name === 'kv_fetch')?.bytes.network).toBe(50_331_648);
    expect(doc.totals.hostTransferSeconds).toBeGreaterThan(0);
    expect(doc.memory.hostKvCacheBytes).toBe(27 * doc.memory.kvCacheBytes);
    expect(doc.notes.some((n) => n.startsWith('--kv-offload:'))).toBe(true);
  });

  it('generate: every step streams', () => {
    const r = cli(['generate', '--model', 'paper/gta-1b', '--hardware', 'h100-sxm', '--input', '512', '--output', '8', '--batch', '64', '--kv-offload', '--format', 'json']);
    expect(r.status).toBe(0);
    const run = (JSON.parse(r.stdout) as { runs: { workload: { kvOffload?: boolean }; notes: string[] }[] }).runs[0]!;
    expect(run.workload.kvOffload).toBe(true);
    expect(run.notes.filter((n) => n.startsWith('--kv-offload')).length).toBe(2);
  });

  it.each([
    [['--hardware', 'apple-m2'], 'hardware-profiles/apple-m2.json: interconnect.host: apple-m2 gives no host link (PCIe)'],
    [['--hardware', 'h100-sxm', '--scope', 'layer'], '--kv-offload: the cache streams layer after layer through a whole pass, so it needs --scope model (got --scope layer) (--scope)'],
    [['--hardware', 'h100-sxm', '--cost-model', 'llm-viewer-gta'], '--kv-offload: LLM-Viewer has no host link or transfer overlap; use --cost-model exact'],
    [['--hardware', 'h100-sxm', '--tp', '2'], '--kv-offload: split devices share their hosts\' PCIe switches'],
  ])('refuses %j with one line and exit 2', (args, message) => {
    const r = cli([...DECODE, ...args, '--kv-offload']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });
});

describe('generate --kv-offload with a draft', () => {
  it('the MTP draft is refused with the flag, a draft model is not', () => {
    const mtp = cli(['generate', '--model', 'hf/deepseek-v3', '--bits', 'w8a16kv16', '--input', '64', '--output', '4', '--kv-offload', '--draft', 'mtp', '--draft-tokens', '1', '--acceptance', '0.8']);
    expect(mtp.status).toBe(2);
    expect(mtp.stderr).toBe('--draft: with --kv-offload, where the multi-token-prediction layer\'s cache streams in the layer order is not modelled; draft with --draft-model, or leave out --kv-offload (got --draft mtp)\n');
    const model = cli(['generate', '--model', 'llama-3.1-8b', '--input', '64', '--output', '4', '--kv-offload', '--draft-model', 'paper/gqa-1b', '--draft-tokens', '2', '--acceptance', '0.5', '--format', 'json']);
    expect(model.status).toBe(0);
  });
});
