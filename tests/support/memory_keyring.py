"""A keyring backend for tests: in memory, or in a JSON file for other processes.

`PYTHON_KEYRING_BACKEND=support.memory_keyring.FileKeyring` with
`TVDESK_TEST_KEYRING_FILE=/path` lets an app subprocess use it.
"""

import json
import os
from pathlib import Path

from jaraco.classes.properties import classproperty
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(KeyringBackend):
    # keyring registers every imported backend class and may chain them into the default
    # keyring; these test backends must only ever be used when installed on purpose.
    @classproperty
    def priority(cls):
        raise RuntimeError("only used when installed explicitly")

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


class FileKeyring(KeyringBackend):
    @classproperty
    def priority(cls):
        if "TVDESK_TEST_KEYRING_FILE" not in os.environ:
            raise RuntimeError("TVDESK_TEST_KEYRING_FILE is not set")
        return 1

    @property
    def path(self) -> Path:
        return Path(os.environ["TVDESK_TEST_KEYRING_FILE"])

    def _load(self) -> dict:
        try:
            return json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}

    def get_password(self, service, username):
        return self._load().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        data = self._load()
        data[f"{service}/{username}"] = password
        self.path.write_text(json.dumps(data))

    def delete_password(self, service, username):
        data = self._load()
        if data.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError("not found")
        self.path.write_text(json.dumps(data))
