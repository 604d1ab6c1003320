"""A stand-in for the desktop's notification daemon (org.freedesktop.Notifications) on the
test D-Bus session: it prints each notification it is asked to show as a JSON line, and on
a `click ID` line from stdin it invokes that notification's default action, as a click on
it would. Started by tests/e2e/specs/notifications.test.mjs; prints {"ready": true} once it
owns the name.
"""

import asyncio
import json
import sys

from dbus_fast import BusType
from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, method, signal

NAME = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"


def say(obj):
    print(json.dumps(obj), flush=True)


class Notifications(ServiceInterface):
    def __init__(self):
        super().__init__(NAME)
        self.last_id = 0

    @method()
    def Notify(self, app_name: "s", replaces_id: "u", app_icon: "s", summary: "s", body: "s",
               actions: "as", hints: "a{sv}", expire_timeout: "i") -> "u":
        self.last_id += 1
        say({"id": self.last_id, "app_name": app_name, "summary": summary, "body": body, "actions": actions})
        return self.last_id

    @method()
    def GetCapabilities(self) -> "as":
        return ["actions", "body"]

    @method()
    def GetServerInformation(self) -> "ssss":
        return ["hookdesk-test-notifications", "hookdesk", "1.0", "1.2"]

    @method()
    def CloseNotification(self, id: "u"):
        self.NotificationClosed(id, 3)

    @signal()
    def ActionInvoked(self, id, action_key) -> "us":
        return [id, action_key]

    @signal()
    def NotificationClosed(self, id, reason) -> "uu":
        return [id, reason]


async def main():
    bus = await MessageBus(bus_type=BusType.SESSION).connect()
    daemon = Notifications()
    bus.export(PATH, daemon)
    await bus.request_name(NAME)
    say({"ready": True})
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := await reader.readline():
        command, _, arg = line.decode().strip().partition(" ")
        if command == "click":
            daemon.ActionInvoked(int(arg), "default")
            say({"clicked": int(arg)})


asyncio.run(main())
