#!/usr/bin/env python3
# python3 slowbody.py [PORT=18080]
# A test API request whose 100-byte body is sent one byte a second; prints what the server answered, and when.
import socket, sys, time
port = int(sys.argv[1]) if len(sys.argv) > 1 else 18080
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"POST /api/v1/test/tcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          b"Authorization: ApiKey attack-key-0123456789abcdef\r\nContent-Length: 100\r\n\r\n")
s.settimeout(0.05)
start = time.time()
for i in range(100):
    try:
        s.send(b"{")
    except OSError:
        break
    try:
        data = s.recv(4096)
        if data or data == b"":
            print(f"after {time.time() - start:.1f} s:", (data.split(b"\r\n")[0] + b" " + data.split(b"\r\n\r\n")[-1]).decode() if data else "closed")
            break
    except socket.timeout:
        pass
    time.sleep(0.95)
