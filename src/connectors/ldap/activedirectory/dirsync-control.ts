import { Ber, BerWriter, Control, type BerReader } from 'ldapts';

/** LDAP_SERVER_DIRSYNC_OID ([MS-ADTS] 3.1.1.3.4.1.3). */
export const DIRSYNC_OID = '1.2.840.113556.1.4.841';

/** DirSync request flags ([MS-ADTS] 3.1.1.3.4.1.3). */
export const DIRSYNC_FLAGS = {
  /** Return only objects and attributes the bound account may read (no "Replicating Directory Changes" right needed). */
  objectSecurity: 0x1,
  /** Parents before children. */
  ancestorsFirstOrder: 0x800,
  /** Changed values of linked multi-valued attributes (member) instead of their whole value set. */
  incrementalValues: 0x80000000,
} as const;

export interface DirSyncControlOptions {
  readonly flags?: number;
  readonly maxBytes?: number;
  /** The cookie of the previous round; empty to start from the beginning. */
  readonly cookie?: Buffer;
}

/**
 * The DirSync control. The request value is `SEQUENCE { flags INTEGER, maxBytes INTEGER,
 * cookie OCTET STRING }`; the server answers with a control of the same OID and shape
 * (`moreResults` in place of flags). ldapts hands a response control it does not know to the
 * request control of the same OID, so one instance carries the cookie from round to round.
 */
export class DirSyncControl extends Control {
  readonly flags: number;
  readonly maxBytes: number;
  cookie: Buffer;
  /** Set by the server's response: another round is needed for the rest of the changes. */
  moreResults = false;

  constructor(options: DirSyncControlOptions = {}) {
    // Critical: a server that ignores DirSync must fail rather than run a plain search.
    super(DIRSYNC_OID, { critical: true });
    this.flags = options.flags ?? DIRSYNC_FLAGS.incrementalValues;
    this.maxBytes = options.maxBytes ?? 0;
    this.cookie = options.cookie ?? Buffer.alloc(0);
  }

  protected override writeControl(writer: BerWriter): void {
    const value = new BerWriter();
    value.startSequence();
    // The flags are an unsigned 32-bit mask on the wire as a signed INTEGER (0x80000000 is negative).
    value.writeInt(this.flags | 0);
    value.writeInt(this.maxBytes);
    value.writeBuffer(this.cookie, Ber.OctetString);
    value.endSequence();
    writer.writeBuffer(value.buffer, Ber.OctetString);
  }

  protected override parseControl(reader: BerReader): void {
    if (reader.readSequence() === null) return;
    this.moreResults = (reader.readInt() ?? 0) !== 0;
    reader.readInt();
    this.cookie = reader.readString(Ber.OctetString, true) ?? Buffer.alloc(0);
  }
}
