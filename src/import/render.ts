/** ScenarioDoc → YAML text (deterministic: the same report gives the same bytes). */
import { jsonText } from '../model/escape.js';
import type { ScenarioDoc } from './doc.js';
import { commentLines, flow, mappingKey, scalar, stepLines, trailingComment } from './yaml.js';

export function renderScenario(doc: ScenarioDoc): string {
  const out: string[] = [];
  out.push(...commentLines(doc.header.join('\n')));
  out.push('version: 1');
  out.push(`name: ${scalar(doc.name)}`);
  out.push(`description: ${scalar(doc.description)}`);
  if (doc.include.length > 0) {
    out.push(`include: [${doc.include.join(', ')}]  # mmap_lock, i_mmap_rwsem, dma_resv and the boot-time priming (kernel:dma_resv_lockdep)`);
  }
  const why = `${doc.profile.guessed ? 'guess: ' : ''}${doc.profile.why}`;
  out.push('options:');
  out.push(`  kernel: "${doc.profile.profile}"${trailingComment(why)}`);
  if (doc.locks.length > 0) {
    out.push('locks:');
    for (const l of doc.locks) {
      const fields: string[] = [`type: ${l.type}`];
      if (l.wwClass) fields.push(`ww_class: ${scalar(l.wwClass)}`);
      if (l.lockdep !== null && !(l.type === 'ww_mutex')) fields.push(`lockdep: ${jsonText(l.lockdep)}`);
      out.push(`${mappingKey(l.key, 2)} { ${fields.join(', ')} }${trailingComment(l.comment)}`);
    }
  }
  if (doc.fences.length > 0) {
    out.push('fences:');
    for (const f of doc.fences) out.push(`${mappingKey(f.key, 2)} { description: ${jsonText(f.description)} }`);
  }
  if (doc.functions.length > 0) {
    out.push('functions:');
    for (const f of doc.functions) {
      out.push(mappingKey(f.name, 2));
      out.push(...stepLines(f.steps, 4));
    }
  }
  out.push('paths:');
  for (const n of doc.notes) out.push(...commentLines(n, 2));
  for (const p of doc.paths) {
    for (const c of p.comment) out.push(...commentLines(c, 2));
    out.push(`  - name: ${scalar(p.name)}`);
    if (p.context !== 'process') out.push(`    context: ${p.context}`);
    if (p.irqsDisabled) out.push('    irqs: disabled');
    if (p.work) out.push(`    work: ${flow({ item: p.work.item, queue: p.work.queue })}`);
    if (p.steps.length === 0) out.push('    steps: []');
    else {
      out.push('    steps:');
      out.push(...stepLines(p.steps, 6));
    }
  }
  out.push('expect:');
  for (const e of doc.expect) {
    if (e.comment) out.push(...commentLines(e.comment, 2));
    out.push(`  - rule: ${e.rule}`);
    if (e.involves.length > 0) out.push(`    involves: ${flow(e.involves)}`);
  }
  return `${out.join('\n')}\n`;
}
