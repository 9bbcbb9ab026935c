/**
 * Outbound HTTP for httpGet / httpPost (REFERENCE §3.4), done by the host once per call; the
 * result is journaled, so replays never call again. A script can reach only allow-listed
 * domains (exact host or a parent domain), and never a loopback, private, link-local or other
 * special address: the name is resolved once, every address is checked, and the socket connects
 * to the checked address (no second lookup for DNS rebinding to slip through). Redirects are not
 * followed (3xx is onFail), 5xx and timeouts are retried, responses are size-capped, and secrets
 * appear in requests only as `{{secret:name}}` placeholders resolved here.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import type { Json } from '../../runtime/protocol.js';

export interface OutboundHttpOptions {
  /** Domains a tenant's scripts may call; a request to any other host is onFail. */
  readonly allowedDomains: (tenant: string) => readonly string[];
  /** Tenant secrets for `{{secret:name}}` placeholders. */
  readonly secret?: (tenant: string, name: string) => string | undefined;
  readonly timeoutMs?: number;
  /** Extra attempts after a 5xx or a timeout. */
  readonly retries?: number;
  readonly maxResponseBytes?: number;
  /** Which resolved addresses may be connected to; tests widen it to reach a local server. */
  readonly isAllowedAddress?: (address: string, family: 4 | 6) => boolean;
}

export type AsyncOutcome = { readonly outcome: 'onSuccess' | 'onFail' | 'onTimeout'; readonly data: Record<string, Json>; readonly note: string };

const SPECIAL = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) SPECIAL.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['64:ff9b::', 96], ['100::', 64],
] as const) SPECIAL.addSubnet(net, prefix, 'ipv6');

/** Public unicast addresses only; IPv4-mapped IPv6 addresses are judged as the IPv4 they carry. */
export function isPublicAddress(address: string, family: 4 | 6): boolean {
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return isPublicAddress(mapped[1]!, 4);
    return !SPECIAL.check(address, 'ipv6');
  }
  return !SPECIAL.check(address, 'ipv4');
}

export function domainAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return allowed.some((d) => {
    const a = d.toLowerCase().replace(/^\*?\./, '').replace(/\.$/, '');
    return a !== '' && (h === a || h.endsWith(`.${a}`));
  });
}

class RefusedAddress extends Error {}

function safeLookup(isAllowed: (a: string, f: 4 | 6) => boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 4);
      const bad = addresses.find((a) => !isAllowed(a.address, a.family === 6 ? 6 : 4));
      if (bad !== undefined || addresses.length === 0) {
        return callback(new RefusedAddress(`${hostname} resolves to ${bad?.address ?? 'nothing'}, which scripts may not reach`), '', 4);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}

interface Attempt {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export class OutboundHttp {
  private readonly tokens = new Map<string, { token: string; expires: number }>();

  constructor(private readonly options: OutboundHttpOptions) {}

  /** Performs an httpGet / httpPost call whose arguments the guest validated. */
  async call(tenant: string, call: string, args: Json): Promise<AsyncOutcome> {
    if (call !== 'httpGet' && call !== 'httpPost') return fail(`${call} is not an HTTP call this host performs`);
    const a = (typeof args === 'object' && args !== null && !Array.isArray(args) ? args : {}) as Record<string, Json>;
    let url: URL;
    try {
      url = new URL(String(a.url));
    } catch {
      return fail(`invalid URL ${String(a.url)}`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return fail(`scheme ${url.protocol} is not allowed`);
    if (!domainAllowed(url.hostname, this.options.allowedDomains(tenant))) return fail(`${url.hostname} is not an allowed domain`);
    const headers: Record<string, string> = { accept: 'application/json' };
    for (const [k, v] of Object.entries(objectOf(a.headers))) {
      if (k.trim() === '' || k === 'null' || typeof v !== 'string') continue;
      headers[k.toLowerCase()] = this.resolveSecrets(tenant, v);
    }
    let body: string | undefined;
    if (call === 'httpPost') {
      headers['content-type'] ??= 'application/json';
      const payload = objectOf(a.payload);
      if (Object.keys(payload).length > 0) {
        body =
          headers['content-type'] === 'application/x-www-form-urlencoded'
            ? new URLSearchParams(Object.entries(payload).map(([k, v]): [string, string] => [k, this.resolveSecrets(tenant, typeof v === 'string' ? v : JSON.stringify(v))])).toString()
            : this.resolveSecrets(tenant, JSON.stringify(payload));
      }
    }
    try {
      await this.authorize(tenant, objectOf(a.authConfig), headers);
    } catch (e) {
      return fail(`authentication for ${url.hostname} failed: ${(e as Error).message}`);
    }
    const retries = this.options.retries ?? 2;
    let last: AsyncOutcome = fail('no attempt');
    for (let attempt = 0; attempt <= retries; attempt++) {
      try {
        const res = await this.send(url, call === 'httpPost' ? 'POST' : 'GET', headers, body);
        if (res.status >= 500) {
          last = fail(`${url.hostname} answered ${res.status}`);
          continue;
        }
        return interpret(res);
      } catch (e) {
        if (e instanceof RefusedAddress) return fail(e.message);
        if ((e as Error).name === 'TimeoutError') {
          last = { outcome: 'onTimeout', data: {}, note: `${url.hostname} did not answer in time` };
          continue;
        }
        return fail(`${url.hostname}: ${(e as Error).message}`);
      }
    }
    return last;
  }

  private resolveSecrets(tenant: string, text: string): string {
    return text.replace(/\{\{secret:([A-Za-z0-9_.-]+)\}\}/g, (whole, name: string) => this.options.secret?.(tenant, name) ?? whole);
  }

  private async authorize(tenant: string, auth: Record<string, Json>, headers: Record<string, string>): Promise<void> {
    if (Object.keys(auth).length === 0) return;
    const p = Object.fromEntries(Object.entries(objectOf(auth.properties)).map(([k, v]) => [k, this.resolveSecrets(tenant, String(v))]));
    switch (String(auth.type).toLowerCase()) {
      case 'basic':
        headers.authorization = `Basic ${Buffer.from(`${p.username ?? ''}:${p.password ?? ''}`).toString('base64')}`;
        return;
      case 'apikey':
        if (!p.headerName) throw new Error('apikey needs headerName');
        headers[p.headerName.toLowerCase()] = p.apiKey ?? '';
        return;
      case 'bearer':
        headers.authorization = `Bearer ${p.token ?? ''}`;
        return;
      case 'clientcredential':
        headers.authorization = `Bearer ${await this.clientCredentialsToken(tenant, p)}`;
        return;
      default:
        throw new Error(`unknown auth type ${String(auth.type)}`);
    }
  }

  private async clientCredentialsToken(tenant: string, p: Record<string, string>): Promise<string> {
    const endpoint = new URL(p.tokenEndpoint ?? '');
    if (!domainAllowed(endpoint.hostname, this.options.allowedDomains(tenant))) throw new Error(`${endpoint.hostname} is not an allowed domain`);
    const key = `${tenant}\u0000${endpoint.href}\u0000${p.consumerKey}\u0000${p.scope ?? ''}`;
    const cached = this.tokens.get(key);
    if (cached !== undefined && cached.expires > Date.now()) return cached.token;
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...(p.scope ? { scope: p.scope } : {}) }).toString();
    const res = await this.send(endpoint, 'POST', {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      authorization: `Basic ${Buffer.from(`${p.consumerKey ?? ''}:${p.consumerSecret ?? ''}`).toString('base64')}`,
    }, form);
    if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}`);
    const parsed = JSON.parse(res.body) as { access_token?: unknown; expires_in?: unknown };
    if (typeof parsed.access_token !== 'string') throw new Error('token endpoint sent no access_token');
    const ttl = typeof parsed.expires_in === 'number' ? parsed.expires_in : 300;
    this.tokens.set(key, { token: parsed.access_token, expires: Date.now() + Math.max(0, ttl - 30) * 1000 });
    return parsed.access_token;
  }

  private send(url: URL, method: string, headers: Record<string, string>, body: string | undefined): Promise<Attempt> {
    const timeoutMs = this.options.timeoutMs ?? 5000;
    const maxBytes = this.options.maxResponseBytes ?? 1024 * 1024;
    const literal = isIP(url.hostname.replace(/^\[|\]$/g, ''));
    const isAllowed = this.options.isAllowedAddress ?? isPublicAddress;
    if (literal !== 0 && !isAllowed(url.hostname.replace(/^\[|\]$/g, ''), literal as 4 | 6)) {
      return Promise.reject(new RefusedAddress(`${url.hostname} is an address scripts may not reach`));
    }
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<Attempt>((resolveOnce, rejectOnce) => {
      let settled = false;
      const resolve = (a: Attempt) => {
        if (!settled) (settled = true), resolveOnce(a);
      };
      const reject = (e: Error) => {
        if (!settled) (settled = true), rejectOnce(e);
      };
      const req = client.request(
        url,
        { method, headers: body === undefined ? headers : { ...headers, 'content-length': Buffer.byteLength(body) }, lookup: safeLookup(isAllowed), signal: AbortSignal.timeout(timeoutMs) },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBytes) {
              reject(new Error(`the response is over ${maxBytes} bytes`));
              res.destroy();
            } else chunks.push(c);
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (e) => reject(e));
        },
      );
      req.on('error', (e) => reject(e.name === 'AbortError' ? Object.assign(new Error('timed out'), { name: 'TimeoutError' }) : e));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }
}

function interpret(res: Attempt): AsyncOutcome {
  if (res.status < 200 || res.status >= 300) return fail(`answered ${res.status}`);
  if (res.contentType.includes('text/plain')) return { outcome: 'onSuccess', data: { response: res.body }, note: `answered ${res.status}` };
  if (res.body.trim() === '') return { outcome: 'onSuccess', data: {}, note: `answered ${res.status}` };
  try {
    const parsed = JSON.parse(res.body) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('the response is not a JSON object');
    return { outcome: 'onSuccess', data: parsed as Record<string, Json>, note: `answered ${res.status}` };
  } catch {
    return fail('the response is not valid JSON');
  }
}

function fail(note: string): AsyncOutcome {
  return { outcome: 'onFail', data: {}, note };
}

function objectOf(v: Json | undefined): Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v : {};
}
