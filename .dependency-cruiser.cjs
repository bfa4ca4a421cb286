/**
 * The layering of fencedep's sources, checked by `npm test` (test/architecture/layers.test.ts)
 * as dependency-cruiser checks its own. The pipeline runs one way:
 *
 *   model ← load ← replay ← analyze (rules, patterns) ← check ← cli
 *
 * with the reporters (report, graph, diff's format) taking finished results and only
 * formatting them. Type-only imports count: a layer that names another's types depends on it.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other in one direction only: a cycle means a shared part belongs in a module of its own.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'model-depends-on-nothing',
      severity: 'error',
      comment: 'src/model holds the data every stage shares; it imports nothing else of fencedep.',
      from: { path: '^src/model/' },
      to: { path: '^src/', pathNot: '^src/model/' },
    },
    {
      name: 'load-before-replay',
      severity: 'error',
      comment: 'Loading reads and validates input; it does not reach the replay or any later stage.',
      from: { path: '^src/load/' },
      to: { path: '^src/(replay|analyze|rules|patterns|check|report|graph|diff|import|baseline|config|cli)/' },
    },
    {
      name: 'replay-detects-only',
      severity: 'error',
      comment: 'The replay emits detections and the graph; rules, patterns, reports and the CLI come after it.',
      from: { path: '^src/replay/' },
      to: { path: '^src/(analyze|rules|patterns|check|report|graph|diff|import|baseline|config|cli)/' },
    },
    {
      name: 'reporters-only-format',
      severity: 'error',
      comment: 'Reporters format results they are given: they never load or replay anything, nor run a check.',
      from: { path: '^src/(report/|graph/|diff/format\\.ts$)' },
      to: { path: '^src/(load|replay|analyze|check|import|cli)/' },
    },
    {
      name: 'stages-below-the-cli',
      severity: 'error',
      comment: 'The CLI wires commands to stages; no stage imports the CLI.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'commands-independent',
      severity: 'error',
      comment: 'No command imports another: what they share is in src/cli/shared.ts; main.ts wires them into the program.',
      from: { path: '^src/cli/', pathNot: '^src/cli/main\\.ts$' },
      to: { path: '^src/cli/', pathNot: '^src/cli/shared\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
