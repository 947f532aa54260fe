import pytest

from tests.security.inventory import World


@pytest.fixture
def world(db):
    """Two digibanks with a member of every role each (see inventory.World)."""
    return World.build()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every test here makes eight members; a real password hash for each costs seconds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_import_root(settings, tmp_path):
    """Legacy files uploaded or made by the suite stay in a temporary folder."""
    settings.IMPORT_FILE_ROOT = tmp_path / "imports"
    settings.MEDIA_ROOT = tmp_path / "media"  # report files
