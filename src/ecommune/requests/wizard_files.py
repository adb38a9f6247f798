"""Files a resident sends in a wizard before the request is filed.

formtools keeps them in ``private/wizard/`` (never served) between the step that receives
them and the final step, which stores them as documents and deletes them. A wizard left
unfinished leaves its files behind: ``manage.py ecommune_purge_documents`` deletes those
older than ``ABANDONED_AFTER``, except those a signed-in resident's draft still holds
(``ecommune.requests.drafts``). A resident who comes back later finds the step that held
the file asking for it again (``WizardSessionStorage``), never a server error.
"""

import datetime
import posixpath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from formtools.wizard.storage.session import SessionStorage

ABANDONED_AFTER = datetime.timedelta(days=1)
LOST_FILES_KEY = "lost_files"

storage = FileSystemStorage(location=str(settings.BASE_DIR / "private" / "wizard"))


def _names(folder: str = ""):
    directories, files = storage.listdir(folder)
    for name in files:
        yield posixpath.join(folder, name)
    for directory in directories:
        yield from _names(posixpath.join(folder, directory))


def purge_abandoned_files(
    now: datetime.datetime | None = None, spared: frozenset[str] | set[str] = frozenset()
) -> int:
    """Delete the wizard files older than ``ABANDONED_AFTER``, except those ``spared`` (a
    signed-in resident's draft holds them: ``drafts.files_in_drafts``); returns how many."""
    if not storage.exists(""):
        return 0
    limit = (now or timezone.now()) - ABANDONED_AFTER
    count = 0
    for name in list(_names()):
        if name in spared:
            continue
        try:
            too_old = storage.get_modified_time(name) <= limit
        except FileNotFoundError:  # a wizard finished meanwhile and deleted it
            continue
        if too_old:
            storage.delete(name)
            count += 1
    return count


class WizardSessionStorage(SessionStorage):
    """formtools' session storage, where a file gone from ``private/wizard/`` (purged, or
    deleted by a concurrent final submission of the same wizard) is forgotten and its step
    remembered in ``lost_files``, instead of a ``FileNotFoundError``."""

    def get_step_files(self, step):
        step_files = self.data[self.step_files_key].get(step, {})
        for field, stored in list(step_files.items()):
            if (step, field) in self._files:
                continue
            details = {key: value for key, value in stored.items() if key != "tmp_name"}
            try:
                handle = self.file_storage.open(stored["tmp_name"])
            except FileNotFoundError:
                del step_files[field]
                lost = self.extra_data.setdefault(LOST_FILES_KEY, {}).setdefault(step, [])
                lost.append(field)
                continue
            self._files[(step, field)] = UploadedFile(file=handle, **details)
        return super().get_step_files(step)

    def lost_files(self, step) -> list[str]:
        """The fields (prefixed names) of ``step`` whose file is gone and must be sent again."""
        return list(self.extra_data.get(LOST_FILES_KEY, {}).get(step, []))

    def forget_lost_files(self, step) -> None:
        self.extra_data.get(LOST_FILES_KEY, {}).pop(step, None)
