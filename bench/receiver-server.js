// A webhook receiver in its own process (so its CPU is not the sender's): answers 200 to every POST,
// printing its URL. Keep-alive on, as a production receiver behind a load balancer would be.
const http = require('node:http');

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () =>
  process.stdout.write(
    `${JSON.stringify({ url: `http://127.0.0.1:${server.address().port}/hook`, pid: process.pid })}\n`,
  ),
);
