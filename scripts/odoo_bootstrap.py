"""Fetch Odoo 18.0 into the project when it is missing (called by devenv's find_odoo).

When Odoo is neither importable by the running Python nor given by ODOO_SRC, ``make demo`` and
``make test`` get it here, in the ignored folder ``.odoo/``:

    .odoo/src               a shallow clone of ODOO_REPO at ODOO_BRANCH (Odoo's GitHub, 18.0)
    .odoo/venv              a virtual environment of the running Python: Odoo's requirements
                            (adjusted, see REPLACED), the project's requirements, Odoo itself
    .odoo/requirements.txt  Odoo's requirements as adjusted
    .odoo/stamp.json        what was installed; a run that finds it up to date reuses everything

A local ODOO_REPO folder that git cannot clone at ODOO_BRANCH (not a git repository, no such
branch, an incomplete history) but that holds an Odoo tree is copied as it is. Whatever the
source, it must be Odoo 18.0 (odoo/release.py). ``make clean-odoo`` removes ``.odoo/``.

Standard library only: this runs before anything is installed.
"""

import ast
import codecs
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

DEFAULT_REPO = "https://github.com/odoo/odoo.git"
DEFAULT_BRANCH = "18.0"
SERIE = "18.0"
PYTHONS = ((3, 10), (3, 12))  # the versions Odoo 18.0 supports (odoo/__init__.py)

# Odoo's pins that cannot be installed from wheels on a current system, and what replaces them.
# Names are compared in their canonical form (PEP 503).
REPLACED = {
    # psycopg2 builds from source and needs pg_config; the binary wheel is the same driver.
    "psycopg2": lambda rest: f"psycopg2-binary{rest}",
    # cbor2 5.4.2 has no wheel for Python 3.11 and its sdist fails to build; 5.4.6 is API-equal.
    "cbor2": lambda rest: "cbor2" + re.sub(r"==\s*5\.4\.2\b", "==5.4.6", rest),
    # python-ldap needs the OpenLDAP headers; only the auth_ldap addon uses it.
    "python-ldap": None,
}


class BootstrapError(Exception):
    """A problem the user can fix; the text says how."""


class Layout:
    """Where the fetched Odoo lives in a project."""

    def __init__(self, root):
        self.base = Path(root) / ".odoo"
        self.src = self.base / "src"
        self.venv = self.base / "venv"
        self.python = self.venv / "bin" / "python"
        self.requirements = self.base / "requirements.txt"
        self.stamp = self.base / "stamp.json"


# --------------------------------------------------------------------------- pure functions
def _canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def adjust_requirements(text):
    """Odoo's requirements.txt with the pins of REPLACED adjusted (markers and comments kept)."""
    lines = ["# Odoo's requirements.txt, adjusted by scripts/odoo_bootstrap.py (see REPLACED there)"]
    for line in text.splitlines():
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(.*)", line.strip())
        key = _canonical(match[1]) if match else None
        if key not in REPLACED:
            lines.append(line)
        elif REPLACED[key] is None:
            lines.append(f"# dropped: {line.strip()}")
        else:
            lines.append(REPLACED[key](match[2]))
    return "\n".join(lines) + "\n"


def release_serie(text):
    """The serie ("18.0") that the text of odoo/release.py gives in ``version_info``, or None."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "version_info" for t in node.targets)
            and isinstance(node.value, ast.Tuple)
            and len(node.value.elts) >= 2
            and all(isinstance(e, ast.Constant) for e in node.value.elts[:2])
        ):
            major, minor = node.value.elts[:2]
            return f"{major.value}.{minor.value}"
    return None


def check_python(version):
    """Refuse a Python that Odoo 18.0 does not run on, before minutes of cloning."""
    low, high = PYTHONS
    if not low <= tuple(version[:2]) <= high:
        raise BootstrapError(
            f"Odoo 18.0 runs on Python {low[0]}.{low[1]} to {high[0]}.{high[1]}; this is "
            f"{version[0]}.{version[1]} ({sys.executable}). Run the command with one of those, "
            "for example: make test PYTHON=python3.12"
        )


def install_commands(python, src, adjusted, project_requirements):
    """The commands that fill the virtual environment of ``python``, in order."""
    pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--root-user-action=ignore"]
    project = [arg for path in project_requirements for arg in ("-r", str(path))]
    return [
        [str(python), "-m", "ensurepip", "--upgrade", "--default-pip"],
        # Old sdists (vobject, ofxparse...) are built with the venv's own setuptools, one
        # that still has what they use: newer ones removed it.
        [*pip, "setuptools<70", "wheel"],
        # One resolution of Odoo's pins and ours, so that ours cannot move Odoo's.
        [*pip, "--no-build-isolation", "-r", str(adjusted), *project],
        [*pip, "--no-deps", "--no-build-isolation", "-e", str(src)],
    ]


def local_folder(repo):
    """The folder that ``repo`` names when it is a local path or file:// URL, else None."""
    if repo.startswith("file://"):
        path = Path(urlparse(repo).path)
    elif "://" in repo or re.match(r"^[\w.-]+@[\w.-]+:", repo):
        return None
    else:
        path = Path(repo).expanduser()
    return path.resolve() if path.is_dir() else None


def is_odoo_tree(path):
    return (path / "odoo-bin").is_file() and (path / "odoo" / "release.py").is_file()


def in_bootstrap_venv(root):
    """True when this process already runs the Python of ``root``'s fetched Odoo."""
    return Path(sys.prefix).resolve() == Layout(root).venv.resolve()


# --------------------------------------------------------------------------- fetching
def _relay(cmd, env=None):
    """Run ``cmd`` with its stderr shown as it comes (git's progress); return (code, stderr tail)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    tail = ""
    while chunk := os.read(proc.stderr.fileno(), 4096):
        text = decoder.decode(chunk)
        sys.stderr.write(text)
        sys.stderr.flush()
        tail = (tail + text)[-4000:]
    proc.stderr.close()
    return proc.wait(), tail


def _last_error(tail):
    lines = [line.strip() for line in re.split(r"[\r\n]+", tail) if line.strip()]
    errors = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (errors or lines or ["(no message)"])[-1]


def _clone(git, repo, branch, dest):
    """Shallow clone; return None on success, else git's error line."""
    folder = local_folder(repo)
    # git ignores --depth for a plain local path; a file:// URL makes it a real shallow clone.
    url = folder.as_uri() if folder else repo
    cmd = [git, "clone", "--depth", "1", "--branch", branch, url, str(dest)]
    if sys.stderr.isatty():
        cmd.insert(2, "--progress")
    # Never wait for a password: an unknown repository on GitHub asks for one.
    code, tail = _relay(cmd, env=dict(os.environ, GIT_TERMINAL_PROMPT="0"))
    return None if code == 0 else _last_error(tail)


def fetch_source(repo, branch, dest, log):
    """Put Odoo's source at ``dest`` (absent); return a description of where it came from."""
    git = shutil.which("git")
    folder = local_folder(repo)
    error = None
    if git:
        log(f"cloning branch {branch} of {repo} into {dest.parent} (shallow; a few minutes for Odoo)")
        error = _clone(git, repo, branch, dest)
        if error is None:
            commit = subprocess.run(
                [git, "-C", str(dest), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
            ).stdout.strip()
            return {"repo": repo, "branch": branch, "commit": commit}
        shutil.rmtree(dest, ignore_errors=True)
    if folder and is_odoo_tree(folder):
        why = f"git could not clone it ({error})" if git else "git is not installed"
        log(f"{repo} is a local Odoo tree and {why}: copying its files as they are (without .git)")
        shutil.copytree(folder, dest, symlinks=True, ignore=shutil.ignore_patterns(".git", "__pycache__", "*.pyc"))
        return {"repo": repo, "branch": None, "commit": None, "copied_from": str(folder)}
    if not git:
        raise BootstrapError(
            f"git is not installed (or not on PATH) and is needed to fetch Odoo 18.0 from {repo}. "
            "Install it (Debian/Ubuntu: apt-get install git), or set ODOO_REPO to a local Odoo 18.0 "
            "folder, or ODOO_SRC to an Odoo 18.0 source tree."
        )
    raise BootstrapError(
        f"git could not clone branch {branch} of {repo}: {error}\n"
        "Check the address and the network, or set ODOO_REPO to a reachable mirror or a local "
        "copy of Odoo's repository (and ODOO_BRANCH to its 18.0 branch), or ODOO_SRC to an "
        "Odoo 18.0 source tree."
    )


def check_serie(src, what):
    """Refuse a tree that is not Odoo 18.0; ``what`` says where it came from."""
    release = src / "odoo" / "release.py"
    if not is_odoo_tree(src):
        raise BootstrapError(f"{what} is not an Odoo source tree (no odoo-bin and odoo/release.py).")
    serie = release_serie(release.read_text(errors="replace"))
    if serie != SERIE:
        raise BootstrapError(
            f"{what} holds Odoo {serie or '(unknown version)'}, not {SERIE}: set ODOO_BRANCH to the "
            f"branch of ODOO_REPO that holds Odoo {SERIE}."
        )


def _run(cmd):
    print(f"[odoo_bootstrap] $ {' '.join(cmd)}", flush=True)
    return subprocess.run(cmd, check=False).returncode


def ensure_odoo(root, repo=None, branch=None, *, run=_run, log=print):
    """Fetch and install Odoo 18.0 under ``root``/.odoo unless done already; return its Python.

    ``run(cmd) -> exit code`` runs the install commands (pip); tests give their own.
    """
    repo = repo or DEFAULT_REPO
    branch = branch or DEFAULT_BRANCH
    where = Layout(root)
    check_python(sys.version_info)
    where.base.mkdir(exist_ok=True)
    stamp = json.loads(where.stamp.read_text()) if where.stamp.is_file() else {}

    if where.src.is_dir():
        source = stamp.get("source") or {"repo": repo, "branch": branch}
        check_serie(where.src, f"{where.src} (make clean-odoo removes it)")
        if source.get("repo") != repo or source.get("branch") not in (branch, None):
            log(f"using the Odoo of {where.src}, fetched from {source.get('repo')}; make clean-odoo to fetch {repo}")
    else:
        started = time.monotonic()
        partial = where.base / "src.partial"  # left by an interrupted run
        shutil.rmtree(partial, ignore_errors=True)
        source = fetch_source(repo, branch, partial, log)
        try:
            check_serie(partial, f"branch {branch} of {repo}" if source["branch"] else repo)
        except BootstrapError:
            shutil.rmtree(partial, ignore_errors=True)
            raise
        partial.rename(where.src)
        log(f"Odoo {SERIE} source ready in {where.src} ({time.monotonic() - started:.0f} s)")

    project = [p for p in (Path(root) / "requirements.txt", Path(root) / "requirements-dev.txt") if p.is_file()]
    adjusted = adjust_requirements((where.src / "requirements.txt").read_text())
    digest = hashlib.sha256(adjusted.encode())
    for path in project:
        digest.update(path.read_bytes())
    if stamp.get("inputs_sha256") == digest.hexdigest() and where.python.exists():
        log(f"reusing Odoo {SERIE} in {where.src} and its virtual environment {where.venv}")
        return where.python

    started = time.monotonic()
    if not where.python.exists():
        shutil.rmtree(where.venv, ignore_errors=True)  # one whose Python is gone
        log(f"creating the virtual environment {where.venv} with {sys.executable}")
        created = subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where.venv)], check=False)
        if created.returncode:
            raise BootstrapError(f"{sys.executable} -m venv failed (Debian/Ubuntu: apt-get install python3-venv).")
    where.requirements.write_text(adjusted)
    log("installing Odoo's requirements, the project's and Odoo itself (several minutes the first time)")
    commands = install_commands(where.python, where.src, where.requirements, project)
    for cmd in commands:
        if run(cmd):
            raise BootstrapError(
                f"Installing into {where.venv} failed at: {' '.join(cmd)}\nThe output above says "
                "which package; fix the cause and run the command again (what is fetched is kept; "
                "make clean-odoo starts over)."
            )
    stamp = {
        "source": source,
        "python": f"{sys.version.split()[0]} ({sys.executable})",
        "inputs_sha256": digest.hexdigest(),
        "commands": commands,
        "installed_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    where.stamp.write_text(json.dumps(stamp, indent=2) + "\n")
    log(f"virtual environment ready ({time.monotonic() - started:.0f} s)")
    return where.python
