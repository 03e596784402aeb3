# Replaces the generic pynput hook, which imports pynput to list its submodules; that import
# fails without a display (X11), as on build machines. tvdesk.spec names the backends of the
# platform being built instead.
hiddenimports = []
