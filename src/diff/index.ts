/** `fencedep diff`: compare two designs (files or directories), findings and dependencies. */
export {
  compareSides,
  summarizeDiff,
  type ChangedDependency,
  type CompareOptions,
  type DiffDependency,
  type DiffFinding,
  type DiffResult,
  type DiffSummary,
  type FileDiff,
  type FileDiffStatus,
  type Side,
} from './compute.js';
export { diffJson, formatDiffJson, formatDiffMarkdown, formatDiffText, gateFails } from './format.js';
