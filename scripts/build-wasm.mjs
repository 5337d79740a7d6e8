// Compiles the AssemblyScript kernels (assembly/index.ts) twice: plain SIMD and SIMD + relaxed SIMD, both
// importing one shared memory so worker threads can run them on the same data. Output: dist/wasm/*.wasm.
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import asc from 'assemblyscript/asc';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'wasm');
await mkdir(outDir, { recursive: true });

const common = [
  join(root, 'assembly', 'index.ts'),
  '--runtime', 'stub', '-O3', '--noAssert',
  '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536',
];
const variants = [
  { file: 'attention-simd.wasm', features: 'simd,threads' },
  { file: 'attention-relaxed.wasm', features: 'simd,relaxed-simd,threads' },
];

for (const { file, features } of variants) {
  const { error, stderr } = await asc.main([...common, '--enable', features, '--outFile', join(outDir, file)]);
  if (error) {
    process.stderr.write(stderr.toString());
    throw new Error(`build-wasm: ${file} failed: ${error.message}`);
  }
}
