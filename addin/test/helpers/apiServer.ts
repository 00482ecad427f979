// A real HTTP server on 127.0.0.1 that plays the ClinicMail API for handler and client tests:
// each test decides how it answers and inspects what the add-in sent.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: unknown;
}

export type Responder = (req: Recorded, res: ServerResponse) => void | Promise<void>;

export async function startApi(
  responder: Responder,
): Promise<{ url: string; requests: Recorded[]; close(): Promise<void>; setResponder(r: Responder): void }> {
  let current = responder;
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    let data = "";
    req.on("data", (c: Buffer) => (data += c.toString("utf8")));
    req.on("end", () => {
      const recorded: Recorded = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: data ? JSON.parse(data) : null,
      };
      requests.push(recorded);
      void current(recorded, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    setResponder: (r) => (current = r),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function json(res: ServerResponse, status: number, body: unknown, type = "application/json"): void {
  res.writeHead(status, { "Content-Type": type });
  res.end(JSON.stringify(body));
}

/** A port that was just free: connecting to it is refused (the API is down). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
