import type { Agent } from 'node:http';

/** `fetch` that sends every request through an HTTP(S) proxy (undici's fetch with a ProxyAgent). */
export async function createProxyFetch(proxyUrl: string): Promise<typeof globalThis.fetch> {
  const { ProxyAgent, fetch: undiciFetch } = await import('undici');
  const dispatcher = new ProxyAgent(proxyUrl);
  // undici's own fetch, not the global one: the global fetch may belong to another undici version
  // that does not accept this dispatcher.
  return ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher })) as unknown as typeof globalThis.fetch;
}

/** An http.Agent that tunnels WebSocket connections through an HTTP(S) proxy. */
export async function createProxyAgent(proxyUrl: string): Promise<Agent> {
  const { HttpsProxyAgent } = await import('https-proxy-agent');
  return new HttpsProxyAgent(proxyUrl) as unknown as Agent;
}
