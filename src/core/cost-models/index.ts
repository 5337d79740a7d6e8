/** Cost models by name: a name without a definition fails to compile. */
import type { CostModel } from '../workload.js';
import { exact } from './exact.js';
import { llmViewer, llmViewerGta } from './llm-viewer.js';
import type { CostModelDef } from './types.js';

export const COST_MODEL_DEFS = { exact, 'llm-viewer': llmViewer, 'llm-viewer-gta': llmViewerGta } as const satisfies Record<CostModel, CostModelDef>;

export type { CostModelDef } from './types.js';
