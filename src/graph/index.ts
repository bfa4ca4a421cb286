/**
 * `fencedep graph`: one scenario's dependency graph as DOT, Mermaid, JSON or SVG (the writers
 * are registered in src/report/registry.ts). Every format is deterministic.
 */
export { buildGraph, cyclesOnly, findingOnly, modelHidden, type EdgeAttributes, type FenceGraph, type GraphAttributes, type GraphSource, type NodeAttributes } from './model.js';
export { classKeys, ownDependency } from './keys.js';
export { formatDot } from './dot.js';
export { formatMermaid } from './mermaid.js';
export { formatGraphJson, graphviz, renderSvg } from './render.js';
export { onCycle, tarjan, toCsr, type Csr } from '../model/scc.js';
