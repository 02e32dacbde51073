// Counts live deliveries and their latency for one measured phase.
import { createSamples } from './latency.mjs';

export function createMeter() {
  const samples = createSamples();
  const meter = {
    deliveries: 0,
    lastAtUs: 0,
    samples,
    /** Only deliveries of messages stamped at or after `sinceUs` count (warm-up stragglers do not). */
    sinceUs: 0,
    delivered(atUs, stampUs) {
      if (stampUs < meter.sinceUs) return;
      meter.deliveries++;
      meter.lastAtUs = atUs;
      samples.add(atUs - stampUs);
    },
    reset(sinceUs) {
      meter.deliveries = 0;
      meter.lastAtUs = 0;
      meter.sinceUs = sinceUs;
      samples.reset();
    },
  };
  return meter;
}
