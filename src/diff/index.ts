/** `fencedep diff`: compare two designs (files or directories), findings and dependencies. */
export {
  compareSides,
  diffInputs,
  DiffUsageError,
  summarizeDiff,
  type ChangedDependency,
  type DiffDependency,
  type DiffFinding,
  type DiffResult,
  type DiffSummary,
  type FileDiff,
  type FileDiffStatus,
} from './compute.js';
export { DIFF_FORMATS, diffJson, formatDiff, formatDiffJson, formatDiffMarkdown, formatDiffText, gateFails, mdCode, mdText, type DiffFormat } from './format.js';
