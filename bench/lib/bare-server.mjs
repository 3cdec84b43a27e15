// The baseline: a bare node:http server answering fixed HTML bytes, no framework, no database.
// argv: <port> <routes.json>, where routes.json maps a request path (with query) to an HTML file.
// Only loopback; exits on SIGTERM/SIGINT.
import fs from "node:fs";
import http from "node:http";

const [port, routesFile] = process.argv.slice(2);
const routes = new Map(Object.entries(JSON.parse(fs.readFileSync(routesFile, "utf8"))).map(([url, file]) => [url, fs.readFileSync(file)]));

const server = http.createServer((req, res) => {
  const body = routes.get(req.url ?? "");
  if (req.url === "/healthz") {
    res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    return;
  }
  if (!body) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Length": body.length }).end(body);
});
server.keepAliveTimeout = 5000;
server.listen(Number(port), "127.0.0.1");
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.close(() => process.exit(0)));
