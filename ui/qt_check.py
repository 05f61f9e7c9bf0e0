"""Before Qt starts: name any missing system library and the package that provides it.

Without this, a missing library shows up as an abort inside Qt's platform plugin
("could not load the Qt platform plugin xcb") that tells a user nothing.
"""
from __future__ import annotations

import ctypes
import os

# soname -> Debian/Ubuntu package
QT_CORE_LIBS = {
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
XCB_LIBS = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libX11-xcb.so.1": "libx11-xcb1",
}


def missing_libraries(platform: str | None = None) -> dict[str, str]:
    if os.name != "posix" or not os.path.exists("/proc"):
        return {}
    platform = platform or os.environ.get("QT_QPA_PLATFORM", "xcb")
    wanted = dict(QT_CORE_LIBS)
    if platform.startswith("xcb"):
        wanted.update(XCB_LIBS)
    missing = {}
    for soname, package in wanted.items():
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing[soname] = package
    return missing


def explain(missing: dict[str, str]) -> str:
    libs = ", ".join(sorted(missing))
    packages = " ".join(sorted(set(missing.values())))
    return (f"Desk cannot start its window: the system libraries {libs} are missing.\n"
            f"Install them with:  sudo apt-get install -y {packages}")


def no_display() -> bool:
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    return (os.name == "posix" and not platform.startswith(("offscreen", "minimal", "vnc", "eglfs"))
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"))


def unreachable_display() -> str | None:
    """The X display Qt would use if it cannot be opened, else None.

    Qt's xcb plugin aborts (rc 134) on a display it cannot reach, and its message wrongly
    suggests a missing libxcb-cursor0; opening the display with libX11 first lets Desk say
    what is wrong in one line. Not checked when Qt will not use X (offscreen, Wayland), or
    when libX11 itself is missing (``missing_libraries`` names that)."""
    display = os.environ.get("DISPLAY")
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    uses_x = platform.startswith("xcb") or (not platform and not os.environ.get("WAYLAND_DISPLAY"))
    if os.name != "posix" or not display or not uses_x:
        return None
    try:
        xlib = ctypes.CDLL("libX11.so.6")
    except OSError:
        return None
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    connection = xlib.XOpenDisplay(display.encode())
    if not connection:
        return display
    xlib.XCloseDisplay(connection)
    return None


def explain_display(display: str) -> str:
    return (f"Desk cannot open the display {display} (DISPLAY): no X server answers there, or this user "
            "may not use it. Start Desk from the desktop session, or under Xvfb: xvfb-run desk.")
