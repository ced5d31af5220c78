#!/usr/bin/env python3
# A fake SSH server on 127.0.0.1:19222 whose identification line carries terminal escapes.
import socket, threading
BANNER = b"SSH-2.0-OpenSSH_9.2 \x1b]0;PWNED-TITLE\x07\x1b[2J\x1b[31m\r\n"
def serve(c):
    try:
        c.sendall(BANNER)
        c.recv(65536)
        c.sendall(b"\x1b]0;PWNED-TITLE\x07 not a key exchange\r\n")
    except OSError:
        pass
    finally:
        c.close()
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 19222)); s.listen(16)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
