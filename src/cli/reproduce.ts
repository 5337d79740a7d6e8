/** `llm-roofline reproduce gta`: the GTA paper's efficiency section, recomputed, written as JSON, LaTeX and SVG. */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gtaData } from '../core/reproduce/gta-data.js';
import { TABLE5_PRINTED } from '../core/reproduce/gta-paper.js';
import { UserError } from '../io/errors.js';
import { loadHardware } from '../io/load-hardware.js';
import { loadModel } from '../io/load-model.js';
import { toolInfo } from '../io/version.js';
import { checkOutDir, writeFilesAtomically } from '../io/write.js';
import { gtaReportFiles } from '../render/gta-report.js';

/** The paper's deployment devices with its batch sizes (§5.3) and short names for figures. */
const DEVICES = [
  { id: 'h100-sxm', name: 'H100', prefillBatch: 32, decodeBatch: 64 },
  { id: 'a800-sxm', name: 'A800', prefillBatch: 32, decodeBatch: 64 },
  { id: 'rtx-3060', name: 'RTX 3060', prefillBatch: 4, decodeBatch: 16 },
  { id: 'apple-m2', name: 'Apple M2', prefillBatch: 1, decodeBatch: 1 },
  { id: 'bcm2712', name: 'BCM2712', prefillBatch: 1, decodeBatch: 1 },
] as const;

/**
 * Computes every file in memory first, then writes them all or none: each target is checked and each written to a
 * temporary file before the first is renamed into place; returns the names written.
 */
export async function reproduceGta(outDir: string): Promise<string[]> {
  checkOutDir(outDir);
  const paperModels = Object.keys(TABLE5_PRINTED).map(loadModel);
  const gqa1b = loadModel('paper/gqa-1b');
  const gta1b = loadModel('paper/gta-1b');
  const data = gtaData({
    paperModels,
    gqa1b,
    gta1b,
    lvH100: loadHardware('llm-viewer/nvidia_H100').hardware,
    h100: loadHardware('h100-sxm').hardware,
    devices: DEVICES.map((d) => ({ hardware: loadHardware(d.id).hardware, prefillBatch: d.prefillBatch, decodeBatch: d.decodeBatch })),
  });
  const files = await gtaReportFiles({
    tool: toolInfo(),
    data,
    table4Models: ['paper/160m-mha', 'paper/160m-gqa', 'paper/160m-mla', 'paper/gta-1b'].map(loadModel),
    paperModels,
    gqa1b,
    gta1b,
    devices: DEVICES.map(({ id, name }) => ({ id, name })),
  });
  let created: string | undefined;
  try {
    created = mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new UserError('--out', '', `cannot create folder ${outDir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    writeFilesAtomically(Object.entries(files).map(([name, text]) => ({ path: join(outDir, name), text })));
  } catch (e) {
    // All or nothing: a folder this run created goes too (it holds nothing else; the temporary files are gone).
    if (created !== undefined) rmSync(created, { recursive: true, force: true });
    throw e;
  }
  return Object.keys(files).sort();
}

/** Runs the command for a named paper. */
export async function runReproduce(paper: string, o: { out: string }): Promise<void> {
  if (paper !== 'gta') throw new UserError('reproduce', '', `unknown paper "${paper}" (expected: gta)`);
  const written = await reproduceGta(o.out);
  process.stderr.write(`wrote ${String(written.length)} files to ${o.out}: ${written.join(', ')}\n`);
}
