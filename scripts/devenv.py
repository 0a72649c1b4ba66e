#!/usr/bin/env python3
"""Set-up and test driver behind the Makefile.

One file, standard library only until Odoo is found, so that it can explain what is
missing before anything else runs. Sub-commands:

    demo [--reset]      serve the ``dunning_demo`` database on :8069 (built on first run)
    test [options]      lint, fresh database with every addon and --test-enable, tours in
                        Chromium, then the out-of-process tests of ``tests/``
    lint                ruff (check + format check) and pylint-odoo
    odoo -- ARGS        run Odoo with the project's configuration (database, addons path)
    pg-env              print the PostgreSQL settings in use (starts the private cluster)
    odoo-env            print where Odoo is found (fetches it into .odoo/ when missing)

Odoo: importable by this Python, or ODOO_SRC; otherwise fetched into ``.odoo/`` with its own
virtual environment by scripts/odoo_bootstrap.py, and the command runs again with that Python.

PostgreSQL: the server named by the ``PG*`` variables or the default local socket is used
when it accepts a connection; otherwise a private cluster is initialised under ``.pg/``
(ignored by git) with a superuser role ``odoo`` and started on a Unix socket only.
"""

import argparse
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS_DIR = ROOT / "addons"
RUN_DIR = ROOT / ".run"
OUR_ADDONS = sorted(p.parent.name for p in ADDONS_DIR.glob("*/__manifest__.py"))
DEMO_DB = "dunning_demo"
TEST_DB = "dunning_test"
# The out-of-process tests take about 8 min here; CI gives the whole `make test` 90 min.
EXTERNAL_DEADLINE = 45 * 60
PRIVATE_PG_PORT = 54329
PRIVATE_PG_USER = "odoo"

ODOO_MISSING = """\
Odoo 18.0 was not found. Either make it importable by this Python ({python}:
`python3 -c "import odoo"` must work, for example after `pip install -e <odoo-18.0-source>`
with Odoo's requirements installed), or set ODOO_SRC to the root of an Odoo 18.0 source tree
(the folder holding odoo-bin, odoo/ and addons/), then run the command again."""

ODOO_FETCH_FAILED = """\
Odoo 18.0 is not importable by {python} and ODOO_SRC is not set, so this command fetches it
into .odoo/ (from ODOO_REPO, branch ODOO_BRANCH), and that failed:
{reason}"""


def log(msg):
    print(f"[devenv] {msg}", flush=True)


def die(msg, code=1):
    print(msg, file=sys.stderr, flush=True)
    sys.exit(code)


# --------------------------------------------------------------------------- Odoo
def find_odoo():
    """Return (command prefix to run Odoo, extra addons folders), or exit 2 with a clear text."""
    src = os.environ.get("ODOO_SRC")
    if src:
        src = Path(src).resolve()
        if not (src / "odoo-bin").is_file() or not (src / "odoo" / "release.py").is_file():
            die(ODOO_MISSING.format(python=sys.executable) + f"\n(ODOO_SRC={src} is not an Odoo tree.)", 2)
        extra = [p for p in (src / "addons", src / "odoo" / "addons") if p.is_dir()]
        return [sys.executable, str(src / "odoo-bin")], extra, src
    probe = subprocess.run(
        [sys.executable, "-c", "import odoo, os; print(os.path.dirname(odoo.__file__)); print(odoo.release.serie)"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        fetch_odoo_and_reexec(probe.stderr)
    odoo_dir, serie = probe.stdout.split()
    if serie != "18.0":
        die(f"Odoo {serie} was found at {odoo_dir}; this project needs Odoo 18.0.", 2)
    odoo_dir = Path(odoo_dir)
    extra = [odoo_dir / "addons"]
    # A source checkout installed in development mode keeps its addons beside the package.
    if (odoo_dir.parent / "addons" / "account").is_dir():
        extra.insert(0, odoo_dir.parent / "addons")
    sys.path.insert(0, str(odoo_dir.parent))
    return [sys.executable, "-m", "odoo"], extra, odoo_dir.parent


def fetch_odoo_and_reexec(import_error):
    """Fetch Odoo 18.0 into .odoo/ (or reuse it), then run this same command again with the
    Python of its virtual environment, so that everything after, tests included, runs there."""
    import odoo_bootstrap

    if odoo_bootstrap.in_bootstrap_venv(ROOT):  # already ran again: do not loop
        last = (import_error.strip().splitlines() or ["?"])[-1]
        die(f"{sys.prefix}, made for Odoo, cannot import it ({last}): run make clean-odoo, then the command again.", 2)
    try:
        python = odoo_bootstrap.ensure_odoo(ROOT, os.environ.get("ODOO_REPO"), os.environ.get("ODOO_BRANCH"), log=log)
    except odoo_bootstrap.BootstrapError as error:
        die(ODOO_FETCH_FAILED.format(python=sys.executable, reason=error), 2)
    venv = python.parent.parent
    env = dict(os.environ, VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    log(f"running again with {python}")
    os.execve(python, [str(python), *sys.orig_argv[1:]], env)


# --------------------------------------------------------------------------- PostgreSQL
def _can_connect(**params):
    try:
        import psycopg2
    except ImportError:
        die("psycopg2 is missing: install Odoo 18's requirements first.", 2)
    try:
        conn = psycopg2.connect(dbname="postgres", connect_timeout=3, **params)
    except psycopg2.Error:
        return None
    with conn, conn.cursor() as cr:
        cr.execute("SELECT current_user, rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
        user, can_create = cr.fetchone()
    conn.close()
    return user if can_create else None


def _private_cluster_dir():
    """The cluster lives in .pg/ unless the postgres user cannot reach the project folder."""
    wanted = ROOT / ".pg"
    if os.geteuid() != 0:
        return wanted
    probe = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-x", str(ROOT)], check=False)
    if probe.returncode == 0:
        return wanted
    digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:10]
    fallback = Path("/var/tmp") / f"dunning-pg-{digest}"
    log(f"postgres cannot enter {ROOT}; the private cluster goes to {fallback}")
    return fallback


def _pg_bin():
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    if candidates:
        return candidates[0].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    die("No PostgreSQL server answers and no initdb was found to start a private one.", 2)


def _as_cluster_owner(cmd):
    if os.geteuid() == 0:
        # from / : the postgres user may not be allowed into the current directory
        return ["runuser", "-u", "postgres", "--", "sh", "-c", 'cd / && exec "$@"', "sh", *cmd]
    return cmd


def ensure_private_cluster():
    base = _private_cluster_dir()
    data, sock = base / "data", base / "run"
    pg_bin = _pg_bin()
    base.mkdir(parents=True, exist_ok=True)
    sock.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        shutil.chown(sock, "postgres")
    if not (data / "PG_VERSION").exists():
        log(f"initialising a private PostgreSQL cluster in {data}")
        subprocess.run(
            _as_cluster_owner(
                [
                    str(pg_bin / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    PRIVATE_PG_USER,
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    params = {"host": str(sock), "port": PRIVATE_PG_PORT, "user": PRIVATE_PG_USER}
    if _can_connect(**params):
        return params
    log("starting the private PostgreSQL cluster")
    options = f"-k {sock} -p {PRIVATE_PG_PORT} -c listen_addresses='' -c fsync=off -c max_connections=200"
    subprocess.run(
        _as_cluster_owner(
            [str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w", "-o", options, "start"]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    if not _can_connect(**params):
        die(f"The private PostgreSQL cluster did not accept connections; see {base / 'server.log'}.", 1)
    return params


def ensure_postgres():
    """Return libpq parameters (host, port, user) of a server where Odoo may create databases."""
    explicit = {
        k: os.environ[v] for k, v in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER")) if os.environ.get(v)
    }
    user = _can_connect(**explicit)
    if user and user != "postgres":
        params = dict(explicit)
        params.setdefault("user", user)
        return params
    return ensure_private_cluster()


# --------------------------------------------------------------------------- configuration
def _db_settings(pg):
    """The ``db_*`` options of Odoo's configuration for libpq parameters ``pg``, without empties."""
    settings = {key: pg.get(key) for key in ("host", "port", "user")}
    settings["password"] = os.environ.get("PGPASSWORD")
    return {key: value for key, value in settings.items() if value not in (None, "")}


def write_config(pg, extra_addons, http_port=8069, name="odoo"):
    RUN_DIR.mkdir(exist_ok=True)
    conf = RUN_DIR / f"{name}.conf"
    addons_path = ",".join(str(p) for p in [ADDONS_DIR, *extra_addons])
    lines = [
        "[options]",
        f"addons_path = {addons_path}",
        f"data_dir = {RUN_DIR / 'data'}",
        # Only the settings that are known: Odoo reads an empty ``db_port =`` as an invalid
        # integer, and an absent one lets libpq apply its own defaults and PG* variables.
        *(f"db_{key} = {value}" for key, value in _db_settings(pg).items()),
        f"http_port = {http_port}",
        "admin_passwd = admin",
        "list_db = True",
        "max_cron_threads = 1",
        "",
    ]
    conf.write_text("\n".join(lines))
    return conf


class Env:
    """Everything a sub-command needs: how to run Odoo, where, with which database server."""

    def __init__(self):
        self.odoo_cmd, self.extra_addons, self.odoo_root = find_odoo()
        self.pg = ensure_postgres()

    def conf(self, http_port=8069, name="odoo"):
        return write_config(self.pg, self.extra_addons, http_port, name)

    def psql_env(self):
        env = dict(os.environ)
        for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER")):
            if self.pg.get(key):
                env[var] = str(self.pg[key])
        return env

    def sql(self, query, dbname="postgres"):
        import psycopg2

        conn = psycopg2.connect(dbname=dbname, **self.pg)
        conn.autocommit = True
        try:
            with conn.cursor() as cr:
                cr.execute(query)
                return cr.fetchall() if cr.description else None
        finally:
            conn.close()

    def db_exists(self, name):
        return bool(self.sql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))

    def drop_db(self, name):
        if self.db_exists(name):
            self.sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            self.sql(f'DROP DATABASE "{name}"')
        shutil.rmtree(RUN_DIR / "data" / "filestore" / name, ignore_errors=True)


def pip_install(requirements):
    if not requirements.exists():
        return
    log(f"installing {requirements.name}")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "--root-user-action=ignore",
            "-r",
            str(requirements),
        ],
        check=True,
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- commands
def cmd_odoo(args):
    env = Env()
    conf = env.conf()
    os.execv(env.odoo_cmd[0], [*env.odoo_cmd, "-c", str(conf), *args.odoo_args])


def cmd_odoo_env(_args):
    """Where the commands find Odoo (fetching it first when it is missing), without PostgreSQL."""
    odoo_cmd, extra, odoo_root = find_odoo()
    print(f"python={sys.executable}")
    print(f"odoo={odoo_root}")
    print(f"command={' '.join(odoo_cmd)}")
    print(f"addons_path={','.join(str(p) for p in [ADDONS_DIR, *extra])}")


def cmd_pg_env(_args):
    env = Env()
    for key, value in env.pg.items():
        print(f"{key}={value}")


def cmd_demo(args):
    find_odoo()
    pip_install(ROOT / "requirements.txt")
    env = Env()
    conf = env.conf(http_port=args.port)
    if args.reset:
        log(f"dropping {DEMO_DB}")
        env.drop_db(DEMO_DB)
    if not env.db_exists(DEMO_DB):
        log(f"building {DEMO_DB} with {', '.join(OUR_ADDONS)} and demo data (a few minutes)")
        result = subprocess.run(
            [
                *env.odoo_cmd,
                "-c",
                str(conf),
                "-d",
                DEMO_DB,
                "-i",
                ",".join(OUR_ADDONS),
                "--load-language=fr_FR",
                "--stop-after-init",
                "--log-level=warn",
            ],
            check=False,
        )
        if result.returncode:
            env.drop_db(DEMO_DB)
            die("Building the demo database failed; see the log above.")
    log(f"serving {DEMO_DB} on http://localhost:{args.port} (login admin / admin); Ctrl-C stops it")
    os.execv(
        env.odoo_cmd[0],
        [*env.odoo_cmd, "-c", str(conf), "-d", DEMO_DB, "--db-filter", f"^{DEMO_DB}$", "--http-port", str(args.port)],
    )


def cmd_lint(_args):
    targets = [str(p) for p in (ADDONS_DIR, ROOT / "tests", ROOT / "scripts") if p.exists()]
    steps = [
        ["ruff", "check", *targets],
        ["ruff", "format", "--check", *targets],
    ]
    if OUR_ADDONS:
        steps.append(["pylint", "--rcfile", str(ROOT / ".pylintrc"), *[str(ADDONS_DIR / a) for a in OUR_ADDONS]])
    failed = False
    for step in steps:
        tool = shutil.which(step[0])
        if not tool:
            die(f"{step[0]} is not installed: run `pip install -r requirements-dev.txt`.")
        log(" ".join(step[:3]) + " ...")
        failed |= subprocess.run([tool, *step[1:]], check=False, cwd=ROOT).returncode != 0
    if failed:
        die("lint: FAILED")
    log("lint: clean")


# Lines of the Odoo log that fail the suite. An ERROR anywhere is a failure. A WARNING is
# one when it names one of our addons or models (access rules, view syntax, translations).
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>\S+): (?P<msg>.*)"
)


def _ours_pattern():
    names = "|".join(re.escape(a) for a in OUR_ADDONS) or "^$"
    return re.compile(rf"\b({names})\b|\b(dunning|exchange)[._](log|mode|subject|strategy|marker|run|launch)")


def check_log(path):
    """Return (problems, summary lines, skipped lines) read from an Odoo log file."""
    ours = _ours_pattern()
    problems, summary, skipped = [], [], []
    for raw in path.read_text(errors="replace").splitlines():
        match = LOG_LINE.match(raw)
        if not match:
            continue
        level, logger, msg = match["level"], match["logger"], match["msg"]
        if logger in ("odoo.tests.result", "odoo.tests.stats") or "tests when loading database" in msg:
            summary.append(raw)
        if re.match(r"skipped .* : ", msg) or ("module is not installed" in msg and "websocket" in msg):
            skipped.append(raw)
        if level in ("ERROR", "CRITICAL") or (level == "WARNING" and (ours.search(logger) or ours.search(msg))):
            problems.append(raw)
    return problems, summary, skipped


def ensure_browser():
    """Tours need Chromium and websocket-client; get them rather than let HttpCase skip."""
    try:
        import websocket  # noqa: F401
    except ImportError:
        pip_install(ROOT / "requirements-dev.txt")
    if not any(shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome", "chrome")):
        if os.geteuid() == 0 and shutil.which("apt-get"):
            log("installing Chromium for the tours (apt-get install chromium)")
            apt_env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            subprocess.run(["apt-get", "update", "-qq"], check=False, env=apt_env)
            subprocess.run(
                ["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=apt_env, stdout=subprocess.DEVNULL
            )
        else:
            die("Chromium is needed for the tours and is not installed (apt-get install chromium).")


def run_odoo_logged(env, args, logfile, timeout):
    """Run Odoo to completion, teeing nothing: the full log goes to ``logfile``."""
    with open(logfile, "w") as out:
        proc = subprocess.Popen(
            [*env.odoo_cmd, *args, f"--logfile={logfile}"], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            return proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            die(f"Odoo did not finish within {timeout} s; see {logfile}.")
    return proc.returncode


def run_module_tests(env, addons, dbname, test_tags=None):
    """Install ``addons`` in a fresh database with --test-enable; return (ok, tests run, failed)."""
    ensure_browser()
    env.drop_db(dbname)
    port = free_port()
    conf = env.conf(http_port=port, name=dbname)
    logfile = RUN_DIR / f"{dbname}.log"
    log(f"fresh database {dbname}: installing {', '.join(addons)} with --test-enable (log: {logfile})")
    args = ["-c", str(conf), "-d", dbname, "-i", ",".join(addons), "--test-enable", "--stop-after-init"]
    args += ["--log-level=test", "--http-port", str(port), "--max-cron-threads=0"]
    # Only our addons' tests: without a filter Odoo also runs the suites of every dependency
    # it installs (account, mail, web's JS tests...), hours of someone else's tests.
    ours = [a for a in addons if a in OUR_ADDONS] or addons
    args.append(f"--test-tags={test_tags or ','.join(f'/{a}' for a in ours)}")
    started = time.monotonic()
    code = run_odoo_logged(env, args, logfile, timeout=3600)
    problems, summary, skipped = check_log(logfile)
    for line in summary:
        print(line)
    log(f"module tests took {time.monotonic() - started:.0f} s")
    ok, run, failed = True, 0, 0
    if code:
        log(f"Odoo exited with {code}")
        ok = False
    totals = [re.search(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests", s) for s in summary]
    totals = [t for t in totals if t]
    if not totals:
        log("no Odoo test summary line was found: the tests did not run")
        ok = False
    else:
        failed = int(totals[-1][1]) + int(totals[-1][2])
        run = int(totals[-1][3])
        ok &= failed == 0
    if skipped:
        print("\n".join(skipped))
        log(f"{len(skipped)} test(s) were skipped: a skipped test (a tour without a browser) is a failure here")
        ok = False
    if problems:
        print("Problems logged (ERROR anywhere, WARNING about our addons):")
        print("\n".join(problems[:60]))
        ok = False
    return ok, run - failed, failed


def check_translations(env, dbname, addons):
    """Every term Odoo exports for our addons must be in the addon's .pot and translated in its
    fr.po (a term added to the code but not to the files is a translation problem)."""
    import polib

    pot = RUN_DIR / f"{dbname}.pot"
    conf = env.conf(name=f"{dbname}-i18n")
    subprocess.run(
        [
            *env.odoo_cmd,
            "-c",
            str(conf),
            "-d",
            dbname,
            f"--i18n-export={pot}",
            f"--modules={','.join(addons)}",
            "--stop-after-init",
            "--log-level=warn",
        ],
        check=True,
    )
    french = {
        addon: polib.pofile(str(ADDONS_DIR / addon / "i18n" / "fr.po"))
        for addon in addons
        if (ADDONS_DIR / addon / "i18n" / "fr.po").exists()
    }
    translated = {addon: {e.msgid for e in po if e.msgstr and not e.obsolete} for addon, po in french.items()}
    problems = []
    for entry in polib.pofile(str(pot)):
        modules = {
            m.strip()
            for c in entry.comment.splitlines()
            if c.startswith("module:")
            for m in c.split(":", 1)[1].split(",")
        }
        for module in modules & set(addons):
            if entry.msgid not in translated.get(module, ()):
                problems.append(f"{module}: no French for {entry.msgid[:90]!r}")
    for line in problems[:40]:
        print(line)
    if problems:
        log(f"{len(problems)} term(s) untranslated: run `scripts/devenv.py i18n --db {dbname}` and complete fr.po")
    return not problems


def run_external_tests(template_db):
    """Run tests/ with pytest against servers copied from ``template_db``; return (ok, passed, failed).

    Each test has its own watchdog (tests/conftest.py); the whole run also has a deadline, so
    that a hang is reported here, with the test's name already printed, and not by CI's."""
    tests_dir = ROOT / "tests"
    if not any(tests_dir.glob("test_*.py")):
        log("no out-of-process tests found")
        return True, 0, 0
    log(f"out-of-process tests (tests/) against real servers, at most {EXTERNAL_DEADLINE // 60} min")
    env = dict(os.environ, DUNNING_TEMPLATE_DB=template_db, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-v", "-rfE", "-p", "no:cacheprovider", str(tests_dir)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    timer = threading.Timer(EXTERNAL_DEADLINE, _kill_group, (proc, "the out-of-process tests passed their deadline"))
    timer.start()
    output = []
    try:
        # Bytes as they come, not lines: pytest writes a test's name before its outcome.
        while chunk := os.read(proc.stdout.fileno(), 4096):
            sys.stdout.write(chunk.decode(errors="replace"))
            sys.stdout.flush()
            output.append(chunk)
        ok = proc.wait() == 0
    finally:
        timer.cancel()
    summary = [
        line
        for line in b"".join(output).decode(errors="replace").splitlines()
        if re.match(r"^=+ .*\d+ (passed|failed|error)", line)
    ]
    last = summary[-1] if summary else ""
    counts = {
        key: int(found[1]) if (found := re.search(rf"(\d+) {key}", last)) else 0
        for key in ("passed", "failed", "error")
    }
    failed = counts["failed"] + counts["error"]
    return ok, counts["passed"], failed if (ok or failed) else 1


def _kill_group(proc, why):
    """Interrupt pytest as Ctrl-C would: it prints where it was and stops the servers it started."""
    log(f"{why}: interrupting them")
    try:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(60)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def cmd_test(args):
    find_odoo()
    pip_install(ROOT / "requirements.txt")
    pip_install(ROOT / "requirements-dev.txt")
    if args.lint:
        cmd_lint(args)
    env = Env()
    addons = args.addons.split(",") if args.addons else OUR_ADDONS
    ok, passed, failed = run_module_tests(env, addons, args.db, args.test_tags)
    if ok and not check_translations(env, args.db, [a for a in addons if a in OUR_ADDONS]):
        ok, failed = False, failed + 1
    if ok and args.external:
        ext_ok, ext_passed, ext_failed = run_external_tests(args.db)
        ok &= ext_ok
        passed, failed = passed + ext_passed, failed + ext_failed
    failed = failed or (0 if ok else 1)
    print(f"\n== make test: {'PASSED' if ok else 'FAILED'} ==")
    # The plain closing line CI reads: Odoo tests plus out-of-process tests.
    print(f"total: {passed} passed, {failed} failed")
    sys.exit(0 if ok else 1)


def merge_po(pot_path, po_path):
    """Bring ``po_path`` in line with ``pot_path``: new terms get an empty translation, terms no
    longer in the template are dropped, translations and references are kept. Return the
    untranslated msgids."""
    import polib

    pot = polib.pofile(str(pot_path))
    old = polib.pofile(str(po_path)) if po_path.exists() else polib.POFile()
    translations = {entry.msgid: entry.msgstr for entry in old if entry.msgstr}
    po = polib.pofile(str(pot_path))
    po.metadata = dict(pot.metadata, Language="fr", **{"Plural-Forms": "nplurals=2; plural=n > 1;"})
    for entry in po:
        entry.msgstr = translations.get(entry.msgid, "")
    po.save(str(po_path))
    return [entry.msgid for entry in po if not entry.msgstr]


def cmd_i18n(args):
    """Export each addon's .pot with Odoo's exporter from ``--db`` and merge it into fr.po."""
    env = Env()
    conf = env.conf(name="i18n")
    addons = args.addons.split(",") if args.addons else OUR_ADDONS
    for addon in addons:
        pot = ADDONS_DIR / addon / "i18n" / f"{addon}.pot"
        pot.parent.mkdir(exist_ok=True)
        subprocess.run(
            [
                *env.odoo_cmd,
                "-c",
                str(conf),
                "-d",
                args.db,
                f"--i18n-export={pot}",
                f"--modules={addon}",
                "--stop-after-init",
                "--log-level=warn",
            ],
            check=True,
        )
        missing = merge_po(pot, pot.parent / "fr.po")
        log(f"{addon}: {len(missing)} term(s) without French translation")
        for msgid in missing:
            print(f"  - {msgid[:100]!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="serve the demo database")
    demo.add_argument("--reset", action="store_true", help="drop and rebuild the demo database")
    demo.add_argument("--port", type=int, default=8069)
    demo.set_defaults(func=cmd_demo)
    test = sub.add_parser("test", help="lint and run every test")
    test.add_argument("--addons", help="comma-separated addons to install and test (default: all)")
    test.add_argument("--db", default=TEST_DB)
    test.add_argument("--test-tags", help="Odoo --test-tags filter")
    test.add_argument("--no-lint", dest="lint", action="store_false")
    test.add_argument("--no-external", dest="external", action="store_false")
    test.set_defaults(func=cmd_test)
    sub.add_parser("lint", help="ruff and pylint-odoo").set_defaults(func=cmd_lint)
    sub.add_parser("pg-env", help="print the PostgreSQL parameters").set_defaults(func=cmd_pg_env)
    sub.add_parser("odoo-env", help="print where Odoo is (fetched into .odoo/ when missing)").set_defaults(
        func=cmd_odoo_env
    )
    i18n = sub.add_parser("i18n", help="export the .pot files and merge them into fr.po")
    i18n.add_argument("--db", required=True, help="a database where the addons are installed")
    i18n.add_argument("--addons", help="comma-separated addons (default: all)")
    i18n.set_defaults(func=cmd_i18n)
    odoo = sub.add_parser("odoo", help="run Odoo with the project configuration")
    odoo.add_argument("odoo_args", nargs=argparse.REMAINDER)
    odoo.set_defaults(func=cmd_odoo)
    args = parser.parse_args()
    if getattr(args, "odoo_args", None) and args.odoo_args[0] == "--":
        args.odoo_args = args.odoo_args[1:]
    args.func(args)


if __name__ == "__main__":
    main()
