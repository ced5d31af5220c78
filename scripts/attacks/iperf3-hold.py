#!/usr/bin/env python3
# python3 iperf3-hold.py PORT bare|cookie
# Holds an iperf3 server's port the cheap way: a bare connect, or a 37-byte cookie and then silence.
# Prints what the server sent and when it closed the connection.
import socket, sys, time
port, mode = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
if mode == "cookie":
    s.sendall(b"abcdefghijklmnopqrstuvwxyz0123456789\0")
start = time.time()
got = b""
s.settimeout(60)
while True:
    data = s.recv(64)
    if not data:
        break
    got += data
print(f"{mode}: server sent {list(got)} and closed after {time.time() - start:.1f} s", flush=True)
