// The socket.io signaling package (issue 7).
