#!/usr/bin/env python3
# A TCP listener on 127.0.0.1:19022 that never accepts: tcp tests against it connect (the kernel completes
# the handshake) 10 times a second for as long as they run. For the aborted-request attacks.
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', 19022)); s.listen(4096)
time.sleep(3600)
