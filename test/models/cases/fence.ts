/** drm/fence: dma_fence_chain and dma_fence_array, built on the scenario's own fences. */
import type { Case } from '../case.js';

/** A chain node `point` (or array `arr`) over the fence `job`, with the model's enable_signaling. */
const CONTAINERS = `fences:
  job: {}
  point: { lock: "dma_fence_chain:lock", enable_signaling: point_enable_signaling }
  arr: { lock: "dma_fence_array:lock", enable_signaling: arr_enable_signaling }
`;
const ENABLE = `  point_enable_signaling: [{call: "dma_fence_chain_enable_signaling(point, job)"}]
  arr_enable_signaling: [{call: "dma_fence_array_enable_signaling(arr, job)"}]
`;

/** A path named `name` with `steps` (YAML flow items). */
function path(name: string, ...steps: string[]): string {
  return `  - name: ${name}\n    steps:\n${steps.map((s) => `      - ${s}\n`).join('')}`;
}

/** Waiting on the container nests job's lock inside the container's; a callback of job's that arms the container nests them the other way. */
function nesting(container: 'point' | 'arr'): Pick<Case, 'bad' | 'badRules' | 'good'> {
  const paths = `paths:\n${path('waiter', `{dma_fence_wait: ${container}}`)}${path('job signaller', '{signal: job}')}`;
  return {
    bad: `${CONTAINERS.replace('  job: {}', '  job: { callbacks: [job_cb] }')}functions:\n${ENABLE}  job_cb: [{dma_fence_add_callback: ${container}}]\n${paths}`,
    // and, while job signals, arming the container re-enters job's own lock: a real self-deadlock
    badRules: ['circular-dependency', 'recursive-locking'],
    good: `${CONTAINERS}functions:\n${ENABLE}${paths}`,
  };
}

export const CASES: readonly Case[] = [
  {
    name: 'dma_fence_chain_alloc (in a signalling section)',
    bad: `paths:\n${path('submit', '{signalling: [{call: dma_fence_chain_alloc}]}')}`,
    badRules: ['circular-dependency'],
    good: `paths:\n${path('submit', '{call: dma_fence_chain_alloc}', '{signalling: [{kmalloc: GFP_NOWAIT}]}')}`,
  },
  {
    name: 'dma_fence_chain_init (the node allocated and initialized in the signalling section)',
    bad: `${CONTAINERS}functions:\n${ENABLE}paths:\n${path('submit', '{signalling: [{call: dma_fence_chain_alloc}, {call: "dma_fence_chain_init(point, prev, job, 1)"}]}')}`,
    badRules: ['circular-dependency'],
    good: `${CONTAINERS}functions:\n${ENABLE}paths:\n${path('submit', '{call: dma_fence_chain_alloc}', '{signalling: [{call: "dma_fence_chain_init(point, prev, job, 1)"}]}')}`,
  },
  {
    name: 'dma_fence_array_create (in a signalling section)',
    bad: `paths:\n${path('submit', '{signalling: [{call: dma_fence_array_create}]}')}`,
    badRules: ['circular-dependency'],
    good: `paths:\n${path('submit', '{call: dma_fence_array_create}')}`,
  },
  { name: 'dma_fence_chain_enable_signaling (the contained fence\'s callback arms the chain: its lock nests both ways)', ...nesting('point') },
  { name: 'dma_fence_array_enable_signaling (a member\'s callback arms the array: its lock nests both ways)', ...nesting('arr') },
  {
    name: 'dma_fence_chain_irq_work (a chain callback that sleeps runs in hard irq)',
    bad: `locks: {m: mutex}\n${CONTAINERS.replace('enable_signaling: point_enable_signaling', 'enable_signaling: point_enable_signaling, callbacks: [waiter_cb]')}functions:\n${ENABLE}  waiter_cb: [{mutex_lock: m}, {mutex_unlock: m}]\npaths:\n${path('chain irq_work', '{call: "dma_fence_chain_irq_work(point)"}')}`,
    badRules: ['sleep-in-atomic', 'invalid-wait-context'],
    good: `locks: {l: spinlock}\n${CONTAINERS.replace('enable_signaling: point_enable_signaling', 'enable_signaling: point_enable_signaling, callbacks: [waiter_cb]')}functions:\n${ENABLE}  waiter_cb: [{spin_lock: l}, {spin_unlock: l}]\npaths:\n${path('chain irq_work', '{call: "dma_fence_chain_irq_work(point)"}')}`,
  },
  {
    name: 'irq_dma_fence_array_work (an array callback that sleeps runs in hard irq)',
    bad: `locks: {m: mutex}\n${CONTAINERS.replace('enable_signaling: arr_enable_signaling', 'enable_signaling: arr_enable_signaling, callbacks: [waiter_cb]')}functions:\n${ENABLE}  waiter_cb: [{mutex_lock: m}, {mutex_unlock: m}]\npaths:\n${path('array irq_work', '{call: "irq_dma_fence_array_work(arr)"}')}`,
    badRules: ['sleep-in-atomic', 'invalid-wait-context'],
    good: `${CONTAINERS}functions:\n${ENABLE}paths:\n${path('array irq_work', '{call: "irq_dma_fence_array_work(arr)"}')}`,
  },
  {
    name: 'dma_fence_array_cb_func (the last put of the array runs a release that sleeps, under the member\'s lock)',
    bad: `locks: {m: mutex}\n${CONTAINERS.replace('  job: {}', '  job: { callbacks: [arr_cb] }').replace('enable_signaling: arr_enable_signaling', 'enable_signaling: arr_enable_signaling, release: arr_release')}functions:\n${ENABLE}  arr_cb: [{call: "dma_fence_array_cb_func(arr)"}]\n  arr_release: [{mutex_lock: m}, {mutex_unlock: m}]\npaths:\n${path('job signaller', '{signal: job}')}`,
    badRules: ['sleep-in-atomic', 'invalid-wait-context'],
    good: `${CONTAINERS.replace('  job: {}', '  job: { callbacks: [arr_cb] }').replace('enable_signaling: arr_enable_signaling', 'enable_signaling: arr_enable_signaling, release: arr_release')}functions:\n${ENABLE}  arr_cb: [{call: "dma_fence_array_cb_func(arr)"}]\n  arr_release: [{extern: kfree_rcu}]\npaths:\n${path('job signaller', '{signal: job}')}`,
  },
];
