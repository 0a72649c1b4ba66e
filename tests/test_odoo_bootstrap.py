"""Fetching Odoo 18.0 when it is missing (scripts/odoo_bootstrap.py, devenv's find_odoo).

On a small fake Odoo git repository made here: real git clones, real virtual environments,
the real devenv.py run by a Python without Odoo. Only pip is left out (no network): the
commands it would run are recorded and checked. No database.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import odoo_bootstrap  # noqa: E402
from odoo_bootstrap import BootstrapError, Layout, ensure_odoo  # noqa: E402

RELEASE = """\
RELEASE_LEVELS = [ALPHA, BETA, RELEASE_CANDIDATE, FINAL] = ['alpha', 'beta', 'candidate', 'final']
version_info = ({major}, 0, 0, FINAL, 0, '')
series = serie = major_version = '.'.join(str(s) for s in version_info[:2])
"""

ODOO_REQUIREMENTS = """\
# The officially supported versions of the following packages are their python3-* equivalent
cbor2==5.4.2 ; python_version < '3.12'
cbor2==5.6.2 ; python_version >= '3.12'
polib==1.1.1
psycopg2==2.9.5 ; python_version == '3.11'
python-ldap==3.4.0 ; sys_platform != 'win32' and python_version < '3.12' # min version = 3.2.0
pytz  # no version pinning
"""

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.com",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
}


def git(*args, cwd):
    env = dict(os.environ, **GIT_ENV)
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout.strip()


def write_odoo_tree(folder, major=18):
    (folder / "odoo").mkdir(parents=True, exist_ok=True)
    (folder / "odoo-bin").write_text("#!/usr/bin/env python3\nimport odoo\n")
    (folder / "odoo" / "__init__.py").write_text("from . import release\n")
    (folder / "odoo" / "release.py").write_text(RELEASE.format(major=major))
    (folder / "requirements.txt").write_text(ODOO_REQUIREMENTS)


@pytest.fixture
def odoo_repo(tmp_path):
    """A git repository like Odoo's: branch 18.0, and a branch 17.0 holding Odoo 17.0."""
    repo = tmp_path / "odoo-repo"
    repo.mkdir()
    git("init", "-q", "-b", "18.0", cwd=repo)
    write_odoo_tree(repo, 17)
    git("add", "-A", cwd=repo)
    git("commit", "-q", "-m", "17.0", cwd=repo)
    git("branch", "17.0", cwd=repo)
    write_odoo_tree(repo, 18)
    git("commit", "-q", "-am", "18.0", cwd=repo)
    return repo


@pytest.fixture
def project(tmp_path):
    """A project folder with its own requirements, where .odoo/ is made."""
    root = tmp_path / "project"
    root.mkdir()
    (root / "requirements.txt").write_text("pypdf>=4\n")
    (root / "requirements-dev.txt").write_text("pytest>=8\n")
    return root


class Pip:
    """Stands for pip (no network in tests): records the commands, succeeds or fails."""

    def __init__(self, code=0):
        self.commands, self.code = [], code

    def __call__(self, cmd):
        self.commands.append(cmd)
        return self.code


def quiet(_msg):
    pass


# --------------------------------------------------------------------------- pure functions
def test_requirements_adjusted_for_what_cannot_be_built():
    lines = odoo_bootstrap.adjust_requirements(ODOO_REQUIREMENTS).splitlines()
    assert "psycopg2-binary==2.9.5 ; python_version == '3.11'" in lines
    assert "cbor2==5.4.6 ; python_version < '3.12'" in lines
    assert "cbor2==5.6.2 ; python_version >= '3.12'" in lines  # other pins untouched
    assert "polib==1.1.1" in lines
    assert "pytz  # no version pinning" in lines
    assert not [line for line in lines if line.startswith(("psycopg2=", "python-ldap", "cbor2==5.4.2"))]
    assert any(line.startswith("# dropped: python-ldap==3.4.0") for line in lines)
    # names in any spelling; the binary driver is never renamed twice
    assert odoo_bootstrap.adjust_requirements("Python_LDAP>=3\npsycopg2-binary==2.9.9\n").splitlines()[1:] == [
        "# dropped: Python_LDAP>=3",
        "psycopg2-binary==2.9.9",
    ]


def test_release_serie_and_python_check():
    assert odoo_bootstrap.release_serie(RELEASE.format(major=18)) == "18.0"
    assert odoo_bootstrap.release_serie(RELEASE.format(major=17)) == "17.0"
    assert odoo_bootstrap.release_serie("version_info = ('saas~17', 4, 0, 'final', 0, '')") == "saas~17.4"
    assert odoo_bootstrap.release_serie("not python (") is None
    odoo_bootstrap.check_python((3, 11, 2))
    for version in ((3, 9), (3, 13)):
        with pytest.raises(BootstrapError, match=r"Python 3\.10 to 3\.12"):
            odoo_bootstrap.check_python(version)


# --------------------------------------------------------------------------- fetch and install
def test_first_run_clones_creates_the_venv_and_stamps(odoo_repo, project):
    pip = Pip()
    python = ensure_odoo(project, str(odoo_repo), "18.0", run=pip, log=quiet)
    where = Layout(project)
    # a shallow clone of branch 18.0
    assert git("rev-parse", "HEAD", cwd=where.src) == git("rev-parse", "18.0", cwd=odoo_repo)
    assert git("rev-parse", "--is-shallow-repository", cwd=where.src) == "true"
    assert not (where.base / "src.partial").exists()
    # a real virtual environment of this Python
    assert python == where.python
    prefix = subprocess.run([python, "-c", "import sys; print(sys.prefix)"], capture_output=True, text=True, check=True)
    assert Path(prefix.stdout.strip()) == where.venv
    # the adjusted requirements, and the commands pip runs in the venv
    assert where.requirements.read_text() == odoo_bootstrap.adjust_requirements(ODOO_REQUIREMENTS)
    ensurepip, tools, requirements, odoo = pip.commands
    assert ensurepip[:3] == [str(python), "-m", "ensurepip"]
    assert "setuptools<70" in tools
    assert requirements[:4] == [str(python), "-m", "pip", "install"]
    assert "--no-build-isolation" in requirements
    assert ["-r", str(where.requirements)] == requirements[-6:-4]
    assert requirements[-4:] == ["-r", str(project / "requirements.txt"), "-r", str(project / "requirements-dev.txt")]
    assert odoo[-4:] == ["--no-deps", "--no-build-isolation", "-e", str(where.src)]
    stamp = json.loads(where.stamp.read_text())
    assert stamp["source"] == {
        "repo": str(odoo_repo),
        "branch": "18.0",
        "commit": git("rev-parse", "18.0", cwd=odoo_repo),
    }
    assert stamp["commands"] == pip.commands


def test_second_run_reuses_the_clone_and_the_venv(odoo_repo, project):
    ensure_odoo(project, str(odoo_repo), "18.0", run=Pip(), log=quiet)
    where = Layout(project)
    stamp = where.stamp.read_text()
    shutil.move(odoo_repo, odoo_repo.with_name("gone"))  # a new clone would fail
    pip = Pip()
    messages = []
    assert ensure_odoo(project, str(odoo_repo), "18.0", run=pip, log=messages.append) == where.python
    assert pip.commands == []
    assert where.stamp.read_text() == stamp
    assert any(m.startswith("reusing") for m in messages)
    # a changed project requirement reinstalls into the same venv, without cloning again
    (project / "requirements.txt").write_text("pypdf>=5\n")
    ensure_odoo(project, str(odoo_repo), "18.0", run=pip, log=quiet)
    assert len(pip.commands) == 4
    assert where.stamp.read_text() != stamp


def test_failed_install_is_not_stamped(odoo_repo, project):
    with pytest.raises(BootstrapError, match=r"Installing into .* failed at: .*ensurepip"):
        ensure_odoo(project, str(odoo_repo), "18.0", run=Pip(code=1), log=quiet)
    assert not Layout(project).stamp.exists()
    pip = Pip()
    ensure_odoo(project, str(odoo_repo), "18.0", run=pip, log=quiet)  # the next run installs
    assert len(pip.commands) == 4


def test_missing_git(project, tmp_path, monkeypatch):
    no_git = tmp_path / "bin"
    no_git.mkdir()
    monkeypatch.setenv("PATH", str(no_git))
    with pytest.raises(BootstrapError, match=r"git is not installed .* apt-get install git"):
        ensure_odoo(project, None, None, run=Pip(), log=quiet)
    assert not Layout(project).src.exists()


def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/odoo/odoo.git"


@pytest.mark.parametrize("repo", ["missing-folder", closed_port_url()])
def test_unreachable_repository(project, tmp_path, repo):
    repo = str(tmp_path / repo) if repo == "missing-folder" else repo
    with pytest.raises(BootstrapError) as error:
        ensure_odoo(project, repo, "18.0", run=Pip(), log=quiet)
    assert f"git could not clone branch 18.0 of {repo}: fatal:" in str(error.value)
    assert "ODOO_REPO" in str(error.value)
    assert not Layout(project).src.exists()
    assert not (Layout(project).base / "src.partial").exists()


def test_branch_that_is_not_18(odoo_repo, project):
    pip = Pip()
    with pytest.raises(BootstrapError, match=r"branch 17\.0 of .* holds Odoo 17\.0, not 18\.0: set ODOO_BRANCH"):
        ensure_odoo(project, str(odoo_repo), "17.0", run=pip, log=quiet)
    where = Layout(project)
    assert not where.src.exists() and not where.venv.exists() and not pip.commands
    assert not (where.base / "src.partial").exists()
    # nothing of it is kept: the right branch is fetched next
    ensure_odoo(project, str(odoo_repo), "18.0", run=pip, log=quiet)
    assert odoo_bootstrap.release_serie((where.src / "odoo" / "release.py").read_text()) == "18.0"


def test_local_folder_git_cannot_clone_is_copied(tmp_path, project):
    folder = tmp_path / "odoo-tree"  # an Odoo tree that is no git repository
    write_odoo_tree(folder, 18)
    (folder / ".git").mkdir()  # a broken one, not copied
    ensure_odoo(project, str(folder), "18.0", run=Pip(), log=quiet)
    where = Layout(project)
    assert (where.src / "odoo-bin").is_file() and not (where.src / ".git").exists()
    assert json.loads(where.stamp.read_text())["source"]["copied_from"] == str(folder)
    # ... but not when it is not 18.0
    other = tmp_path / "project17"
    other.mkdir()
    write_odoo_tree(folder, 17)
    with pytest.raises(BootstrapError, match=r"holds Odoo 17\.0"):
        ensure_odoo(other, str(folder), "18.0", run=Pip(), log=quiet)


# --------------------------------------------------------------------------- devenv
@pytest.fixture
def devenv_project(project, tmp_path):
    """The project with the real devenv.py, and a Python without Odoo to run it."""
    (project / "scripts").mkdir()
    for name in ("devenv.py", "odoo_bootstrap.py"):
        shutil.copy(ROOT / "scripts" / name, project / "scripts" / name)
    plain = tmp_path / "plain-python"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(plain)], check=True)
    return project, plain / "bin" / "python"


def devenv(python, project, *args, **env):
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "ODOO_SRC", "ODOO_REPO", "ODOO_BRANCH", "VIRTUAL_ENV")
    }
    return subprocess.run(
        [str(python), str(project / "scripts" / "devenv.py"), *args],
        env=dict(full_env, **env),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_devenv_without_git_says_so(devenv_project, tmp_path):
    project, python = devenv_project
    (tmp_path / "bin").mkdir()
    result = devenv(python, project, "odoo-env", PATH=str(tmp_path / "bin"))
    assert result.returncode == 2, result.stderr
    assert "so this command fetches it" in result.stderr
    assert "git is not installed" in result.stderr


def test_devenv_runs_again_with_the_fetched_odoo(devenv_project, odoo_repo):
    project, python = devenv_project
    ensure_odoo(project, str(odoo_repo), "18.0", run=Pip(), log=quiet)
    where = Layout(project)
    # pip left out, its editable install is missing: the venv's Python says so, no loop
    result = devenv(where.python, project, "odoo-env", ODOO_REPO=str(odoo_repo))
    assert result.returncode == 2
    assert "cannot import it (ModuleNotFoundError: No module named 'odoo'): run make clean-odoo" in result.stderr
    # what `pip install -e .odoo/src` makes: the source importable by the venv
    (site_packages,) = where.venv.glob("lib/python3*/site-packages")
    (site_packages / "odoo-src.pth").write_text(f"{where.src}\n")
    result = devenv(python, project, "odoo-env", ODOO_REPO=str(odoo_repo))
    assert result.returncode == 0, result.stderr
    assert f"python={where.python}" in result.stdout.splitlines()
    assert f"odoo={where.src}" in result.stdout.splitlines()
    assert "reusing Odoo 18.0" in result.stdout
