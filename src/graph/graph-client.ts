import type {
  AuthenticationProvider,
  Client,
  Context,
  Middleware,
} from '@microsoft/microsoft-graph-client';

export const GRAPH_HOST = 'https://graph.microsoft.com/';
export const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';

export interface GraphClientOptions {
  /** Gets an app-only access token for Microsoft Graph. */
  getToken: () => Promise<string>;
  /**
   * Where Graph requests really go, e.g. a local fake Graph server in tests. The client's own
   * middleware (auth header, retries, errors) still runs; only the host is swapped at the last step.
   */
  baseUrl?: string;
}

/** A Microsoft Graph client: the SDK's default middleware, with an optional redirect for local runs. */
export function createGraphClient(options: GraphClientOptions): Client {
  // Loaded here, not at the top: a server without GRAPH_ENABLED never makes a client, so it never holds
  // the SDK in memory (issue 18; bench/memory.ts checks it).
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { Client, MiddlewareFactory } =
    require('@microsoft/microsoft-graph-client') as typeof import('@microsoft/microsoft-graph-client');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const authProvider: AuthenticationProvider = { getAccessToken: options.getToken };
  const chain = MiddlewareFactory.getDefaultMiddlewareChain(authProvider);
  if (options.baseUrl) {
    const target = options.baseUrl.replace(/\/?$/, '/');
    const redirect: Middleware = {
      async execute(context: Context) {
        const url = typeof context.request === 'string' ? context.request : context.request.url;
        const rewritten = url.startsWith(GRAPH_HOST) ? target + url.slice(GRAPH_HOST.length) : url;
        context.response = await fetch(rewritten, context.options as RequestInit);
      },
    };
    chain[chain.length - 1] = redirect;
  }
  return Client.initWithMiddleware({ middleware: chain, defaultVersion: 'v1.0' });
}
