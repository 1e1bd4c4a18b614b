import net from 'node:net';

/**
 * A TCP proxy in front of a server, with a switch to cut it: while cut, open connections are destroyed
 * and new ones are reset at once (a database going away and coming back). `latencyMs` delays each chunk
 * in both directions, so that work through the proxy takes long enough to be cut in the middle.
 */
export interface TcpProxy {
  port: number;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, options: { latencyMs?: number } = {}): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let down = false;
  const delayed = (from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk) => {
      if (!options.latencyMs) return void to.write(chunk);
      from.pause();
      setTimeout(() => {
        if (!to.destroyed) to.write(chunk);
        from.resume();
      }, options.latencyMs);
    });
  };
  const server = net.createServer((client) => {
    if (down) return void client.resetAndDestroy();
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    delayed(client, upstream);
    delayed(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut: () => {
      down = true;
      for (const s of sockets) s.resetAndDestroy();
    },
    restore: () => {
      down = false;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
