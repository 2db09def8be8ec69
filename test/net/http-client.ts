/**
 * A small HTTP/JSON client for load generators (the fault tests' and the cluster benchmark's).
 *
 * Node's `fetch` (undici, Node 20) is the wrong tool for measuring a server on loopback: here a
 * POST through it took about 60 ms against a server answering in 10 ms, and 16 concurrent
 * clients got no more through than one. `http.request` with a keep-alive agent has neither
 * problem, so both systems of a comparison are driven through this.
 */
import http from 'node:http';

const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

export interface JsonReply {
  readonly status: number;
  readonly body: unknown;
}

/** POSTs `body` as JSON to `url` (following one 307); rejects on a network error or timeout. */
export function postJson(url: string, body: unknown, timeoutMs = 10_000, redirects = 1): Promise<JsonReply> {
  const text = JSON.stringify(body);
  const u = new URL(url);
  return new Promise<JsonReply>((resolve, reject) => {
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname + u.search, method: 'POST', agent,
      timeout: timeoutMs,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = raw;
        try {
          parsed = JSON.parse(raw);
        } catch { /* keep the text */ }
        const location = res.headers.location;
        if (res.statusCode === 307 && location !== undefined && redirects > 0) {
          postJson(location, body, timeoutMs, redirects - 1).then(resolve, reject);
        } else {
          resolve({ status: res.statusCode ?? 0, body: parsed });
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(text);
  });
}
