// Types for marker.mjs (the fan-out generator's message marker and latency histogram).
export declare function monoUs(): number;
export declare function markerText(sender: number, seq: number, us: number): string;
export declare const parsed: { sender: number; seq: number; us: number };
export declare function parseMarkerAt(buf: Buffer, i: number, end: number): boolean;
export declare function findMarker(buf: Buffer, start: number, end: number): number;
export declare function resetMarkerCache(): void;
export declare const MARKER: Buffer;

export interface HistogramJSON {
  pairs: Array<[number, number]>;
  n: number;
  max: number;
}
export declare class Histogram {
  n: number;
  max: number;
  add(us: number): void;
  reset(): void;
  toJSON(): HistogramJSON;
  merge(h: HistogramJSON): void;
  percentile(p: number): number | null;
  summaryMs(): { count: number; p50Ms: number | null; p99Ms: number | null; maxMs: number | null };
}
