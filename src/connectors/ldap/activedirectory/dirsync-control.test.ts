import { Ber, BerReader, BerWriter, ControlParser } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { DIRSYNC_FLAGS, DIRSYNC_OID, DirSyncControl } from './dirsync-control.js';

function responseControl(moreResults: number, cookie: Buffer): BerReader {
  const value = new BerWriter();
  value.startSequence();
  value.writeInt(moreResults);
  value.writeInt(0);
  value.writeBuffer(cookie, Ber.OctetString);
  value.endSequence();
  const control = new BerWriter();
  control.startSequence();
  control.writeString(DIRSYNC_OID);
  control.writeBuffer(value.buffer, Ber.OctetString);
  control.endSequence();
  return new BerReader(control.buffer);
}

describe('DirSyncControl', () => {
  it('writes the critical request with the flags as a signed 32-bit integer, maxBytes and cookie', () => {
    const writer = new BerWriter();
    new DirSyncControl({ flags: DIRSYNC_FLAGS.incrementalValues, cookie: Buffer.from('MSDS-cookie') }).write(writer);
    const reader = new BerReader(writer.buffer);
    reader.readSequence();
    expect(reader.readString()).toBe(DIRSYNC_OID);
    expect(reader.readBoolean()).toBe(true);
    const value = new BerReader(reader.readString(Ber.OctetString, true) ?? Buffer.alloc(0));
    value.readSequence();
    expect(value.readInt()).toBe(-0x80000000);
    expect(value.readInt()).toBe(0);
    expect(value.readString(Ber.OctetString, true)?.toString()).toBe('MSDS-cookie');
  });

  it('takes the new cookie and moreResults from the server response handed to the request control', () => {
    const request = new DirSyncControl();
    const cookie = Buffer.from([0x4d, 0x53, 0x44, 0x53, 0, 1, 2, 255]);
    const parsed = ControlParser.parse(responseControl(1, cookie), [request]);
    expect(parsed).toBe(request);
    expect(request.cookie.equals(cookie)).toBe(true);
    expect(request.moreResults).toBe(true);
    ControlParser.parse(responseControl(0, Buffer.from('next')), [request]);
    expect(request.moreResults).toBe(false);
    expect(request.cookie.toString()).toBe('next');
  });
});
