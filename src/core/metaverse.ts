import type { Attributes } from './values.js';

/** Which connector and rule supplied an MV attribute's current value (the lineage view). */
export interface Contribution {
  readonly connector: string;
  readonly rule: string;
  readonly csId: string;
}

export interface MvObject {
  readonly id: string;
  readonly objectType: string;
  readonly attributes: Attributes;
  readonly contributions: Readonly<Record<string, Contribution>>;
  readonly modifiedAt: string;
}
