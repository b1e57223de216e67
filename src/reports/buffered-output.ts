/**
 * Collects small strings and writes them to a stream in chunks of about 64 KiB, honouring
 * back-pressure: `flushIfFull` waits for `drain` when the stream asks for it. Memory stays bounded by
 * the chunk size whatever the amount written. Never ends the stream (stdout must stay open).
 */
export class BufferedOutput {
  private parts: string[] = [];
  private size = 0;
  private failure: unknown = undefined;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly chunkSize = 64 * 1024,
  ) {
    out.once('error', (error: unknown) => {
      this.failure = error;
    });
  }

  /** Appends text; call `flushIfFull` regularly (e.g. after each object). */
  push(text: string): void {
    this.parts.push(text);
    this.size += text.length;
  }

  /** Writes the collected text when it exceeds the chunk size. */
  async flushIfFull(): Promise<void> {
    if (this.size >= this.chunkSize) await this.flush();
  }

  /** Writes everything collected so far and waits for `drain` if the stream is saturated. */
  async flush(): Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    if (this.size === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.out.write(text)) await this.drain();
  }

  private drain(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onDrain = (): void => {
        this.out.off('error', onError);
        resolve();
      };
      const onError = (error: unknown): void => {
        this.out.off('drain', onDrain);
        reject(error instanceof Error ? error : new Error(String(error)));
      };
      this.out.once('drain', onDrain);
      this.out.once('error', onError);
    });
  }
}

/** Ends a stream this module opened (a file) and waits until its data is flushed. */
export function endStream(out: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
}
