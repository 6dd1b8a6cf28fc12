'use strict';
// A raw socket.io-client peer driven by the tests: stdin lines {"emit":event,"payload":any} are emitted as they are;
// every event received is printed as {"event":...,"payload":...}; {"connected":true} once connected.
const readline = require('node:readline');
const { io } = require('socket.io-client');

const [url, userId] = process.argv.slice(2);
const socket = io(url, { transports: ['websocket'], query: { userId }, reconnection: false, forceNew: true });
const print = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');
socket.on('connect', () => print({ connected: true }));
socket.on('connect_error', (err) => { print({ error: err.message }); process.exit(2); });
socket.onAny((event, payload) => print({ event, payload }));
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line);
  socket.emit(command.emit, command.payload);
  print({ emitted: command.emit });
});
process.stdin.on('end', () => { socket.close(); process.exit(0); });
