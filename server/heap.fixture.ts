// Child process for heap.test.ts: a fixed live set and objects that outlive a few young
// collections before they die (the shape of the appliance's streams), under the heap growth given
// as argv[2]; prints how many full collections it took.
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { applyHeapGrowth } from './heap.ts';

applyHeapGrowth(Number(process.argv[2]));
let full = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    if ((e as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full += 1;
}).observe({ entryTypes: ['gc'] });
const live = Array.from({ length: 40_000 }, (_, i) => ({ i, text: `${'x'.repeat(1000)}${i}` }));
const streams: unknown[] = new Array(4000);
for (let i = 0; i < 120_000; i += 1) streams[i % streams.length] = { id: i, state: new Array(400).fill(i) };
setTimeout(() => process.stdout.write(JSON.stringify({ full, live: live.length }) + '\n'), 50);
