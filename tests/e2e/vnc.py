"""The board's keyboard LEDs, seen from outside through QEMU's VNC server.

QEMU forwards the LED state the guest sets on its keyboard (PS/2 or
virtio) to every VNC client that asks for the LED state pseudo-encoding
(-261, QEMU's docs/interop/vnc-ledstate-Pseudo-encoding.txt): one byte,
bit 2 Caps Lock, bit 1 Num Lock, bit 0 Scroll Lock.  This is a minimal RFB
3.8 client that asks for nothing else (no pixels), so what it receives is
LED state and the odd bell.
"""
import socket
import struct
import threading
import time

ENC_LED_STATE = -261
CAPS, NUM, SCROLL = 4, 2, 1


class LedWatch:
    def __init__(self, path, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        self.sock.settimeout(timeout)
        self.state = None          # the last LED byte, None before the first
        self.changes = 0
        self.cond = threading.Condition()
        self._handshake()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _recv(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError("VNC server closed the connection")
            buf += chunk
        return buf

    def _handshake(self):
        if not self._recv(12).startswith(b"RFB "):
            raise ValueError("not an RFB server")
        self.sock.sendall(b"RFB 003.008\n")
        types = self._recv(self._recv(1)[0])
        if 1 not in types:
            raise ValueError(f"VNC server offers no 'None' security type: {list(types)}")
        self.sock.sendall(b"\x01")
        if struct.unpack(">I", self._recv(4))[0] != 0:
            raise ValueError("VNC security handshake failed")
        self.sock.sendall(b"\x01")                      # ClientInit: shared
        _w, _h = struct.unpack(">HH", self._recv(4))
        self._recv(16)                                  # pixel format
        self._recv(struct.unpack(">I", self._recv(4))[0])  # desktop name
        # SetEncodings: raw (mandatory) and the LED state pseudo-encoding.
        self.sock.sendall(struct.pack(">BxHii", 2, 2, 0, ENC_LED_STATE))
        self.sock.settimeout(None)

    def _loop(self):
        try:
            while True:
                kind = self._recv(1)[0]
                if kind == 0:                           # FramebufferUpdate
                    self._recv(1)
                    for _ in range(struct.unpack(">H", self._recv(2))[0]):
                        _x, _y, w, h, enc = struct.unpack(">HHHHi", self._recv(12))
                        if enc != ENC_LED_STATE:
                            raise ValueError(f"unexpected VNC encoding {enc}")
                        with self.cond:
                            self.state = self._recv(1)[0]
                            self.changes += 1
                            self.cond.notify_all()
                elif kind == 2:                         # Bell
                    pass
                elif kind == 3:                         # ServerCutText
                    self._recv(3)
                    self._recv(struct.unpack(">I", self._recv(4))[0])
                else:
                    raise ValueError(f"unexpected VNC message {kind}")
        except (OSError, EOFError, ValueError):
            with self.cond:
                self.cond.notify_all()

    def wait(self, pred, timeout):
        """Waits until pred(state) holds; returns the state (None on time out)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while self.state is None or not pred(self.state):
                left = deadline - time.monotonic()
                if left <= 0 or not self.thread.is_alive():
                    return None
                self.cond.wait(left)
            return self.state

    def close(self):
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
