/** A value as LDIF carries it: text for `attr: value`, bytes for `attr:: base64`. */
export type LdifValue = string | Uint8Array;

/** One `attr: value` line. `options` are the attribute description's options (`binary`, `lang-en`). */
export interface LdifAttributeValue {
  readonly name: string;
  readonly options: readonly string[];
  readonly value: LdifValue;
}

/** One `add:`/`delete:`/`replace:` section of a modify change record (RFC 2849 mod-spec). */
export interface LdifModification {
  readonly operation: 'add' | 'delete' | 'replace';
  readonly name: string;
  readonly options: readonly string[];
  readonly values: readonly LdifValue[];
}

/** A `control:` line of a change record. */
export interface LdifControl {
  readonly type: string;
  readonly isCritical: boolean;
  readonly value?: LdifValue;
}

interface RecordBase {
  readonly dn: string;
  /** 1-based line number of the record's `dn:` line. */
  readonly line: number;
}

interface ChangeRecordBase extends RecordBase {
  readonly controls: readonly LdifControl[];
}

/** An LDIF record: a content record (directory entry) or one of the change records of RFC 2849. */
export type LdifRecord =
  | (RecordBase & { readonly kind: 'content'; readonly attributes: readonly LdifAttributeValue[] })
  | (ChangeRecordBase & { readonly kind: 'add'; readonly attributes: readonly LdifAttributeValue[] })
  | (ChangeRecordBase & { readonly kind: 'delete' })
  | (ChangeRecordBase & { readonly kind: 'modify'; readonly modifications: readonly LdifModification[] })
  | (ChangeRecordBase & {
      readonly kind: 'modrdn';
      readonly changetype: 'modrdn' | 'moddn';
      readonly newRdn: string;
      readonly deleteOldRdn: boolean;
      readonly newSuperior?: string;
    });

/**
 * What the LDIF parser yields, in file order. `raw` is the record's text as it was in the file
 * (leading comments included, lines joined with LF, ending in LF) so that a rewrite can keep it.
 */
export type LdifItem =
  | { readonly kind: 'record'; readonly record: LdifRecord; readonly raw: string }
  | {
      readonly kind: 'error';
      /** Line of the record's first line. */
      readonly line: number;
      /** What is wrong, starting with the line it was found on. */
      readonly message: string;
      readonly dn?: string;
      readonly raw: string;
    }
  /** Comment lines not followed by a record (end of file, or separated by blank lines). */
  | { readonly kind: 'comment'; readonly line: number; readonly raw: string };
