/**
 * irq-inversion — lockdep's "<S>-safe -> <S>-unsafe lock order detected" and "possible irq
 * lock inversion dependency detected": a lock taken in interrupt context (irq-safe) is, through
 * the dependency graph, ordered before a lock taken with that interrupt enabled (irq-unsafe).
 * The interrupt can arrive while the unsafe lock is held and wait for the safe one, whose
 * holder waits for the unsafe one.
 */
import type { ReportBlock } from '../model/finding.js';
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, chainEntry, currentTrace, dependencyEntries, held, lock, newDependency, scenario, text, uniq } from './layout.js';

type Detection = Detections['irq-inversion'];

export default defineRule<Detection>({
  meta: {
    id: 'irq-inversion',
    heading: 'WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected',
    group: 'lockdep',
    description: 'an irq-safe lock depends on an irq-unsafe lock (directly or through the graph)',
    defaultSeverity: 'error',
  },
  build(d: Detection) {
    const irq = d.state.replace('-READ', '');
    if (d.kind === 'safe-to-unsafe') {
      const { site, prev, next, safe, unsafe } = d;
      const report: ReportBlock[] = [
        text(`${site.path} ${site.irqState} is trying to acquire:`), lock(next),
        text('and this task is already holding:'), lock(prev),
        text('which would create a new lock dependency:'),
        text(` (${prev.lockdep}){${prev.usage.slice(1, -1)}} -> (${next.lockdep}){${next.usage.slice(1, -1)}}`), blank,
        text(`but this new dependency connects a ${d.state}-irq-safe lock:`), lock(safe),
        { kind: 'trace', title: `... which became ${d.state}-irq-safe at:`, path: d.safeBecame.path, stack: d.safeBecame.stack },
        blank, text(`to a ${d.state}-irq-unsafe lock:`), lock(unsafe),
        { kind: 'trace', title: `... which became ${d.state}-irq-unsafe at:`, path: d.unsafeBecame.path, stack: d.unsafeBecame.stack },
        blank, text('other info that might help us debug this:'), blank,
        scenario(' Possible interrupt unsafe locking scenario:', [
          [`lock(${unsafe.lockdep});`, ''],
          ['', 'local_irq_disable();'],
          ['', `lock(${safe.lockdep});`],
          ['', `lock(${prev.lockdep === safe.lockdep ? unsafe.lockdep : prev.lockdep});`],
          ['<Interrupt>', ''],
          [`  lock(${safe.lockdep});`, ''],
        ]),
        blank, text(' *** DEADLOCK ***'), blank, held(site), blank,
      ];
      // As the kernel: how the safe lock leads to the held one, and the new one to the unsafe one.
      if (d.safeToPrev.length > 0) {
        report.push(text(`the dependencies between ${d.state}-irq-safe lock and the holding lock:`), { kind: 'chain', entries: dependencyEntries(d.safeToPrev) }, blank);
      }
      if (d.nextToUnsafe.length > 0) {
        report.push(text(`the dependencies between the lock to be acquired and ${d.state}-irq-unsafe lock:`), { kind: 'chain', entries: dependencyEntries(d.nextToUnsafe) }, blank);
      }
      report.push(currentTrace(site));
      const chain = [...d.safeToPrev.map(chainEntry), newDependency(site, prev, next), ...d.nextToUnsafe.map(chainEntry)];
      return {
        heading: `WARNING: ${d.state}-safe -> ${d.state}-unsafe lock order detected`,
        message: `${d.state}-safe -> ${d.state}-unsafe lock order: ${safe.name} (used in ${irq.toLowerCase()} context) -> ${unsafe.name} (taken with ${irq.toLowerCase()}s enabled)`,
        path: site.path,
        locks: uniq([safe.name, unsafe.name]),
        lockdep: uniq([safe.lockdep, unsafe.lockdep]),
        location: site.location,
        chain,
        report,
      };
    }
    const { site, lock: l, other, direction, path, otherBecame } = d;
    const tookUnsafe = direction === 'took-unsafe';
    const [safeLock, unsafeLock] = tookUnsafe ? [l, other] : [other, l];
    return {
      heading: 'WARNING: possible irq lock inversion dependency detected',
      message: tookUnsafe
        ? `possible irq lock inversion: ${l.name} became ${irq}-safe but took the ${irq}-unsafe ${other.name} in the past`
        : `possible irq lock inversion: ${l.name} became ${irq}-unsafe but was taken by the ${irq}-safe ${other.name} in the past`,
      path: site.path,
      locks: uniq([safeLock.name, unsafeLock.name]),
      lockdep: uniq([safeLock.lockdep, unsafeLock.lockdep]),
      location: site.location,
      chain: path.map(chainEntry),
      report: [
        text(`${site.path} just changed the state of lock:`), lock(l),
        text(tookUnsafe ? `but this lock took another, ${d.state}-unsafe lock in the past:` : `but this lock was taken by another, ${d.state}-safe lock in the past:`),
        lock(other),
        { kind: 'trace', title: `... which became ${d.state}-irq-${tookUnsafe ? 'unsafe' : 'safe'} at:`, path: otherBecame.path, stack: otherBecame.stack },
        blank, text('and interrupts could create inverse lock ordering between them.'), blank,
        text('other info that might help us debug this:'),
        scenario(' Possible interrupt unsafe locking scenario:', [
          [`lock(${unsafeLock.lockdep});`, ''],
          ['', 'local_irq_disable();'],
          ['', `lock(${safeLock.lockdep});`],
          ['', `lock(${unsafeLock.lockdep});`],
          ['<Interrupt>', ''],
          [`  lock(${safeLock.lockdep});`, ''],
        ]),
        blank, text(' *** DEADLOCK ***'), blank, held(site),
        text('the shortest dependencies between 2nd lock and 1st lock:'),
        { kind: 'chain', entries: dependencyEntries(path) },
        currentTrace(site),
      ],
    };
  },
});
