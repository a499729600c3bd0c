import net from "node:net";

/** What to tell the person starting Warden when its port is taken. */
export function portInUseMessage(port: number): string {
  return `port ${port} is in use; set PORT to a free port (e.g. PORT=${port === 65535 ? 3001 : port + 1} npm start)`;
}

function explain(err: NodeJS.ErrnoException, port: number): Error {
  if (err.code === "EADDRINUSE") return new Error(portInUseMessage(port));
  if (err.code === "EACCES") return new Error(`port ${port} needs privileges this process lacks; set PORT to one above 1023`);
  if (err.code === "EADDRNOTAVAIL") return new Error(`HOST is not an address of this machine (port ${port}); set HOST`);
  return err;
}

/**
 * Checks, before anything starts, that Warden can listen on `port` at `host`: binds it
 * exclusively and lets go at once. Called first by `prepare` (and by `npm start` before it
 * builds), so a taken port costs no build, no database start and no orphaned PostgreSQL.
 *
 * @throws Error "port N is in use; set PORT …" (EADDRINUSE), or a like message for EACCES /
 *   EADDRNOTAVAIL
 */
export async function assertPortFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", (err: NodeJS.ErrnoException) => reject(explain(err, port)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/**
 * `server.listen` as a promise whose failure says what to do (someone may take the port
 * between assertPortFree and here): the caller then stops what it started.
 */
export async function listenOn(server: net.Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(explain(err, port));
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve();
    });
  });
}
