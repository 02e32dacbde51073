// Types for fanout-clients.mjs (the fan-out generator's clients and delivery ledger), for the tests.
export interface LedgerReport {
  pid: number;
  clients: number;
  expected: number;
  deliveries: number;
  missing: number;
  extra: number;
  clientsMissing: number;
  duplicates: number;
  foreign: number;
  droppedClients: number;
  lastAtUs: number;
  bytesRead: number;
  cpuPct: number;
  cpuUserPct: number;
  waitPct: number | null;
}
export declare class Ledger {
  constructor(opts: { nSenders: number; rooms: number; selfEcho: boolean });
  addSlot(clientIndex: number): number;
  deliver(slot: number): void;
  reset(sinceUs: number): void;
  counts(): { deliveries: number; lastAtUs: number };
  report(accepted: number[]): LedgerReport;
}
export interface FanoutClient {
  slot: number;
  index: number;
  closed: boolean;
  onAck: ((ok: boolean, code: string | null) => void) | null;
  transmit?: (seq: number, text: string) => boolean;
  close(): void;
}
export declare function connectIrc(opts: {
  host: string;
  port: number;
  spec: { index: number; nick: string; channel: string };
  ledger: Ledger;
  asSender?: boolean;
  oper?: { name: string; password: string } | null;
  timeoutMs?: number;
}): Promise<FanoutClient>;
export declare function connectOd(opts: {
  host: string;
  port: number;
  spec: { index: number; token: string; roomId?: string };
  ledger: Ledger;
  asSender?: boolean;
  timeoutMs?: number;
}): Promise<FanoutClient>;
