/** The outbox on its own: bounds, order, batching, and what each send outcome does. */
import { describe, expect, it } from 'vitest';
import { Logger } from '../../src/logging/logger.ts';
import { Outbox, type SendOutcome, type TrackingLine } from '../../src/tracking/outbox.ts';
import { recordingLogger } from '../support/fakes.ts';

const line = (n: number, size = 10): TrackingLine => ({ text: `l${n}`.padEnd(size, '.'), ua: false });

function outbox(outcomes: SendOutcome[], limits = {}) {
  const sent: string[][] = [];
  const warnings: string[] = [];
  const box = new Outbox({
    send: async (lines) => {
      sent.push(lines.map((l) => l.text.replace(/\.+$/, '')));
      return outcomes.shift() ?? 'sent';
    },
    logger: recordingLogger(warnings),
    random: () => 0.5,
    limits,
  });
  return { box, sent, warnings };
}

describe('Outbox', () => {
  it('drops the oldest lines past the line bound, with a warning and a count', () => {
    const { box, warnings } = outbox([], { maxLines: 5 });
    box.add([1, 2, 3, 4].map((n) => line(n)));
    box.add([5, 6, 7].map((n) => line(n)));
    expect(box.chunks(1_000).flat().map((l) => l.text.replace(/\.+$/, ''))).toEqual(['l3', 'l4', 'l5', 'l6', 'l7']);
    expect(box.stats).toMatchObject({ queued: 5, droppedOverflow: 2 });
    expect(warnings.join('\n')).toMatch(/dropped the 2 oldest line\(s\) \(2 so far\)/);
  });

  it('warns of a full queue once until the server accepts a request, and counts every drop', async () => {
    const { box, warnings } = outbox([], { maxLines: 2 });
    for (let n = 1; n <= 5; n++) box.add([line(n)]);
    expect(warnings.filter((w) => w.includes('queue is full'))).toHaveLength(1);
    expect(box.stats).toMatchObject({ droppedOverflow: 3 });
    await box.flush();
    box.add([1, 2, 3].map((n) => line(n)));
    expect(warnings.filter((w) => w.includes('queue is full'))).toHaveLength(2);
    expect(warnings.at(-1)).toMatch(/dropped the 1 oldest line\(s\) \(4 so far/);
  });

  it('a batch the server rejects does not count as accepted: no second warning', async () => {
    const { box, warnings } = outbox(['drop'], { maxLines: 2 });
    for (let n = 1; n <= 5; n++) box.add([line(n)]);
    await box.flush();
    box.add([1, 2, 3].map((n) => line(n)));
    expect(warnings.filter((w) => w.includes('queue is full'))).toHaveLength(1);
    expect(box.stats).toMatchObject({ droppedOverflow: 4, droppedRejected: 2 });
  });

  it('keeps order and counts through overflow after overflow, one while a batch is out', async () => {
    const { box, sent } = outbox([], { maxLines: 4, batchLines: 3 });
    for (let n = 1; n <= 9; n++) box.add([line(n)]);
    expect(box.chunks(1_000).flat().map((l) => l.text.replace(/\.+$/, ''))).toEqual(['l6', 'l7', 'l8', 'l9']);
    expect(box.stats).toMatchObject({ queued: 4, droppedOverflow: 5 });
    const flushing = box.flush(); // the first batch, l6 to l8, is out
    box.add([line(10), line(11)]); // drops l6 and l7 meanwhile
    await flushing;
    expect(sent).toEqual([['l6', 'l7', 'l8'], ['l9', 'l10', 'l11']]);
    expect(box.stats).toMatchObject({ queued: 0, droppedOverflow: 7 });
  });

  it('drops the oldest lines past the character bound', () => {
    const { box } = outbox([], { maxChars: 35 });
    box.add([1, 2, 3, 4].map((n) => line(n, 10)));
    expect(box.stats).toMatchObject({ queued: 3, droppedOverflow: 1 });
  });

  it('sends in order, in batches bounded by lines and characters', async () => {
    const { box, sent } = outbox([], { batchLines: 3, batchChars: 25 });
    box.add([1, 2, 3, 4, 5, 6, 7].map((n) => line(n, 10)));
    await box.flush();
    expect(sent).toEqual([['l1', 'l2'], ['l3', 'l4'], ['l5', 'l6'], ['l7']]);
    expect(box.stats).toMatchObject({ queued: 0, sentLines: 7 });
  });

  it('keeps a batch after a retryable failure, waits out the backoff, and sends the same lines', async () => {
    const { box, sent } = outbox(['retry', 'sent']);
    box.add([line(1), line(2)]);
    await box.flush();
    expect(box.stats).toMatchObject({ queued: 2, failures: 1 });
    expect(box.retryIn).toBeGreaterThan(0);
    await box.flush(); // still backing off: nothing sent
    expect(sent).toHaveLength(1);
    await box.flush(true);
    expect(sent).toEqual([['l1', 'l2'], ['l1', 'l2']]);
    expect(box.stats).toMatchObject({ queued: 0, sentLines: 2 });
  });

  it('drops a rejected batch and goes on', async () => {
    const { box, sent } = outbox(['drop', 'sent'], { batchLines: 1 });
    box.add([line(1), line(2)]);
    await box.flush();
    expect(sent).toEqual([['l1'], ['l2']]);
    expect(box.stats).toMatchObject({ queued: 0, sentLines: 1, droppedRejected: 1 });
  });

  it('a send that throws counts as retryable', async () => {
    const box = new Outbox({ send: async () => { throw new Error('socket hang up'); }, logger: new Logger({ log() {} }), random: () => 0 });
    box.add([line(1)]);
    await box.flush();
    expect(box.stats).toMatchObject({ queued: 1, failures: 1 });
  });
});
