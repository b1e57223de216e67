import { Agent, request } from 'node:https';
import { rootCertificates } from 'node:tls';

export interface HttpResponse {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

/**
 * The request could not be carried out. `isMaybeApplied` is true when the request had been sent in
 * full before the failure (reset connection, timeout): the server may have acted on it.
 */
export class HttpTransportError extends Error {
  constructor(
    message: string,
    readonly isMaybeApplied: boolean,
    readonly code: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface HttpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** HTTPS with keep-alive, an optional extra trusted CA (sovereign proxies, the test emulator) and a timeout. */
export class HttpTransport {
  private readonly agent: Agent;

  constructor(
    extraCa: string | null,
    private readonly timeoutMs: number,
  ) {
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: 16,
      ...(extraCa ? { ca: [...rootCertificates, extraCa] } : {}),
    });
  }

  send(req: HttpRequest): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      let isSent = false;
      const outgoing = request(
        req.url,
        {
          method: req.method,
          agent: this.agent,
          headers: {
            ...req.headers,
            ...(req.body !== undefined ? { 'content-length': String(Buffer.byteLength(req.body)) } : {}),
          },
          timeout: this.timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => reject(new HttpTransportError(error.message, true, undefined, { cause: error })));
          res.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) {
              if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
            }
            resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      outgoing.on('finish', () => {
        isSent = true;
      });
      outgoing.on('timeout', () => {
        outgoing.destroy(new HttpTransportError(`no response within ${this.timeoutMs} ms`, true, 'ETIMEDOUT'));
      });
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof HttpTransportError) reject(new HttpTransportError(error.message, isSent, error.code));
        else reject(new HttpTransportError(error.message, isSent, error.code, { cause: error }));
      });
      outgoing.end(req.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
