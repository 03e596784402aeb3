"""A minimal X11 system tray host (freedesktop System Tray protocol) for the benchmarks.

Xvfb has no tray, and Qt only shows a QSystemTrayIcon when some window owns the
`_NET_SYSTEM_TRAY_S<screen>` selection. This host owns it, docks icons into its own
window, and prints `DOCK <epoch seconds> <window>` for each dock request: the moment
an icon shows in a real tray. Needs python-xlib (a dependency of pynput).
"""

import sys
import time

from Xlib import X, display, error
from Xlib.protocol import event

SYSTEM_TRAY_REQUEST_DOCK = 0


def main() -> int:
    disp = display.Display()
    disp.set_error_handler(lambda *_args: None)   # docked icons may vanish at any time
    screen = disp.screen()
    root = screen.root
    selection = disp.intern_atom(f"_NET_SYSTEM_TRAY_S{disp.get_default_screen()}")
    opcode = disp.intern_atom("_NET_SYSTEM_TRAY_OPCODE")
    manager = disp.intern_atom("MANAGER")
    tray = root.create_window(0, 0, 400, 32, 0, screen.root_depth,
                              background_pixel=screen.black_pixel,
                              event_mask=X.StructureNotifyMask)
    tray.map()
    tray.set_selection_owner(selection, X.CurrentTime)
    disp.flush()
    if disp.get_selection_owner(selection) != tray:
        print("FAILED selection", flush=True)
        return 1
    root.send_event(event.ClientMessage(window=root, client_type=manager,
                                        data=(32, [X.CurrentTime, selection, tray.id, 0, 0])),
                    event_mask=X.StructureNotifyMask)
    disp.flush()
    print("READY", flush=True)
    x = 0
    while True:
        ev = disp.next_event()
        if ev.type == X.ClientMessage and ev.client_type == opcode:
            _format, data = ev.data
            if data[1] == SYSTEM_TRAY_REQUEST_DOCK:
                print(f"DOCK {time.time():.6f} {data[2]}", flush=True)
                try:
                    icon = disp.create_resource_object("window", data[2])
                    icon.reparent(tray, x % 400, 0)
                    icon.configure(width=24, height=24)
                    icon.map()
                    disp.flush()
                    x += 24
                except error.XError:
                    pass


if __name__ == "__main__":
    sys.exit(main())
