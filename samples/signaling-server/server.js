'use strict';
// P2PCall reference signaling server: relays the seed's seven socket.io events between user ids.
// One user id = one live connection; identity is bound to the connection; failures answer `relay-error`.
// Scale-out: with REDIS_URL set, several instances share their users through @socket.io/redis-adapter
// (each user's sockets are in the room `user:<id>`, so a relay reaches a user connected to any instance).
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const { Server } = require('socket.io');

const EVENTS = ['call', 'accept', 'reject', 'hangup', 'offer', 'answer', 'candidate'];
const MAX_PAYLOAD_BYTES = 256 * 1024;
const MAX_USER_ID_LENGTH = 256;
const WIRE_LOG_LIMIT = 64 * 1024; // characters of a packet that LOG_WIRE logs

const config = {
  host: process.env.HOST || '127.0.0.1',
  port: Number.parseInt(process.env.PORT ?? '3000', 10),
  userIdQuery: process.env.USER_ID_QUERY || 'userId',
  // Debugging aid: log every message packet exactly as it arrived on the wire.
  logWire: process.env.LOG_WIRE === '1',
  publicDir: path.resolve(process.env.PUBLIC_DIR || path.join(__dirname, 'public')),
  // redis://host:port of the Redis that links several instances; unset = one stand-alone instance.
  redisUrl: process.env.REDIS_URL || '',
  redisConnectTimeoutMs: Number.parseInt(process.env.REDIS_CONNECT_TIMEOUT_MS ?? '10000', 10),
};

function log(level, msg, fields = {}) {
  process.stdout.write(JSON.stringify({ level, msg, ...fields }) + '\n');
}

const CONTENT_TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json' };
const startedAt = process.hrtime.bigint();
const users = new Map(); // userId -> socket connected to THIS instance
const userRoom = (userId) => `user:${userId}`;
let redisClients = []; // [pub, sub] when scaled out through Redis

function handleHttp(req, res) {
  const url = new URL(req.url, 'http://localhost');
  if (req.method === 'GET' && url.pathname === '/health') {
    const uptimeSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: 'ok', users: users.size, uptimeSeconds, adapter: redisClients.length ? 'redis' : 'memory' }));
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405).end();
    return;
  }
  const relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
  const file = path.resolve(config.publicDir, relative);
  if (!file.startsWith(config.publicDir + path.sep)) {
    res.writeHead(404).end();
    return;
  }
  fs.readFile(file, (err, body) => {
    if (err) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
}

const httpServer = http.createServer(handleHttp);
// Larger than MAX_PAYLOAD_BYTES so that an oversized payload is answered with relay-error;
// beyond this engine.io closes the connection (the process never crashes).
// serveClient: the seed page loads /socket.io/socket.io.js from here.
const io = new Server(httpServer, { maxHttpBufferSize: 4 * MAX_PAYLOAD_BYTES, serveClient: true });

// Registration: the user id comes from the handshake query; connections without one are refused.
io.use((socket, next) => {
  const userId = socket.handshake.query[config.userIdQuery];
  if (typeof userId !== 'string' || userId.length === 0 || userId.length > MAX_USER_ID_LENGTH) {
    log('warn', 'connection refused', { reason: `missing or invalid query parameter ${config.userIdQuery}` });
    next(new Error(`query parameter ${config.userIdQuery} is required`));
    return;
  }
  socket.data.userId = userId;
  next();
});

function relayError(socket, event, targetUid, reason) {
  log('warn', 'relay refused', { userId: socket.data.userId, event, targetUid, reason });
  socket.emit('relay-error', { targetUid, event, reason });
}

async function relay(socket, event, payload) {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    relayError(socket, event, null, 'payload must be a JSON object');
    return;
  }
  const targetUid = typeof payload.targetUid === 'string' && payload.targetUid.length > 0 ? payload.targetUid : null;
  const size = Buffer.byteLength(JSON.stringify(payload), 'utf8');
  if (size > MAX_PAYLOAD_BYTES) {
    relayError(socket, event, targetUid, `payload too large (${size} > ${MAX_PAYLOAD_BYTES} bytes)`);
    return;
  }
  if (targetUid === null) {
    relayError(socket, event, null, 'missing targetUid');
    return;
  }
  if (payload.userId !== socket.data.userId) {
    relayError(socket, event, targetUid, 'userId does not match the connection');
    return;
  }
  const target = users.get(targetUid);
  if (target) {
    target.emit(event, payload);
  } else if (redisClients.length) {
    // Maybe on another instance: ask them all (the adapter's fetchSockets request over Redis).
    const remote = await io.in(userRoom(targetUid)).fetchSockets();
    if (remote.length === 0) {
      relayError(socket, event, targetUid, 'target offline');
      return;
    }
    io.to(userRoom(targetUid)).emit(event, payload);
  } else {
    relayError(socket, event, targetUid, 'target offline');
    return;
  }
  log('debug', 'relayed', { event, userId: socket.data.userId, targetUid, bytes: size, remote: !target });
}

io.on('connection', (socket) => {
  const { userId } = socket.data;
  const previous = users.get(userId);
  users.set(userId, socket);
  socket.join(userRoom(userId));
  log('info', 'connected', { userId, socketId: socket.id, replaced: previous !== undefined });
  if (previous) {
    // One user id, one live connection: the newer one wins, the older one is told to go away.
    previous.disconnect(true);
  }
  if (redisClients.length) {
    // ... on every instance.
    io.in(userRoom(userId)).except(socket.id).disconnectSockets(true);
  }
  if (config.logWire) {
    socket.conn.on('packet', (packet) => {
      if (packet.type !== 'message') return;
      const data = String(packet.data);
      const truncated = data.length > WIRE_LOG_LIMIT;
      log('debug', 'wire', { userId, data: truncated ? data.slice(0, WIRE_LOG_LIMIT) : data, truncated });
    });
  }
  // One relay at a time per connection, so that a sender's events keep their order (offer before candidates)
  // even when a relay waits for the other instances.
  let queue = Promise.resolve();
  for (const event of EVENTS) {
    socket.on(event, (payload) => {
      queue = queue.then(() => relay(socket, event, payload)).catch((err) => {
        log('error', 'relay failed', { userId, event, error: String(err && err.message) });
      });
    });
  }
  socket.on('disconnect', (reason) => {
    if (users.get(userId) === socket) users.delete(userId);
    log('info', 'disconnected', { userId, socketId: socket.id, reason });
  });
});

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log('info', 'stopping', { signal });
  setTimeout(() => process.exit(1), 5000).unref();
  io.close(async () => {
    await Promise.allSettled(redisClients.map((client) => client.close()));
    log('info', 'stopped');
    // Exit once every buffered log line has reached stdout (a pipe is written asynchronously).
    process.stdout.write('', () => process.exit(0));
  });
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

httpServer.on('error', (err) => {
  log('error', 'server error', { error: err.message });
  process.exit(1);
});
// Scale-out through Redis (https://socket.io/docs/v4/redis-adapter/): one client publishes, a duplicate subscribes.
async function useRedis(url) {
  const { createClient } = require('redis');
  const { createAdapter } = require('@socket.io/redis-adapter');
  const pub = createClient({ url });
  const sub = pub.duplicate();
  for (const [role, client] of [['pub', pub], ['sub', sub]]) {
    client.on('error', (err) => log('error', 'redis error', { role, error: String(err && err.message) }));
  }
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no connection to ${new URL(url).host} within ${config.redisConnectTimeoutMs} ms`)), config.redisConnectTimeoutMs);
  });
  try {
    await Promise.race([Promise.all([pub.connect(), sub.connect()]), timeout]);
  } finally {
    clearTimeout(timer);
  }
  redisClients = [pub, sub];
  io.adapter(createAdapter(pub, sub));
}

async function start() {
  if (config.redisUrl) {
    try {
      await useRedis(config.redisUrl);
    } catch (err) {
      log('error', 'redis unavailable', { error: String(err && err.message) });
      process.exit(1);
    }
  }
  httpServer.listen(Number.isNaN(config.port) ? 3000 : config.port, config.host, () => {
    const address = httpServer.address();
    log('info', 'listening', { host: address.address, port: address.port, adapter: redisClients.length ? 'redis' : 'memory' });
  });
}
start();
