"""No module of the apps grows past ~400 lines: a module that grows becomes a package, split by concern
(as invitations/services/ and invitations/views/ are)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("customers", "invitations", "resellers", "subscriptions", "partnercenter", "links", "gdap", "jobs", "members",
        "support", "servicerequests", "customerusers", "licenses", "api", "webhooks",
        "offers")
MAX_LINES = 400


def app_modules(root: Path = ROOT) -> list[Path]:
    """Every Python module of the apps, migrations left out (tests live outside the apps)."""
    return sorted(p for app in APPS for p in (root / app).rglob("*.py")
                  if "migrations" not in p.parts and "tests" not in p.parts)


def too_long(paths: list[Path], root: Path = ROOT) -> dict[str, int]:
    counts = {str(p.relative_to(root)): len(p.read_text(encoding="utf-8").splitlines()) for p in paths}
    return {name: n for name, n in counts.items() if n > MAX_LINES}


def test_no_app_module_is_longer_than_400_lines():
    modules = app_modules()
    assert len(modules) > 60 and ROOT / "invitations" / "views" / "partner.py" in modules
    assert not (ROOT / "invitations" / "views.py").exists()
    assert too_long(modules) == {}


def test_the_size_check_finds_a_long_module_and_skips_migrations(tmp_path):
    (tmp_path / "customers" / "migrations").mkdir(parents=True)
    (tmp_path / "customers" / "big.py").write_text("x = 1\n" * (MAX_LINES + 1))
    (tmp_path / "customers" / "ok.py").write_text("x = 1\n" * MAX_LINES)
    (tmp_path / "customers" / "migrations" / "0001_initial.py").write_text("x = 1\n" * 1000)
    assert too_long(app_modules(tmp_path), tmp_path) == {"customers/big.py": MAX_LINES + 1}
