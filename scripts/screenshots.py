#!/usr/bin/env python3
"""Screenshots of the demo server for the README (headless Chromium over the DevTools protocol).

    make demo &                       # serves dunning_demo on :8069
    python3 scripts/screenshots.py    # writes docs/*.png

Logs in as admin/admin, opens each page below and saves a PNG of the browser window.
"""

import base64
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import xmlrpc.client
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://localhost:8069"
PAGES = {
    "dunning_runs": "/odoo/action-dunning_strategy.action_dunning_run",
    "dunning_strategy": "/odoo/action-dunning_strategy.action_dunning_strategy",
    "dunning_strategy_form": "/odoo/action-dunning_strategy.action_dunning_strategy/{relances_clients}",
    "quotation_followups": "/odoo/action-dunning_strategy_sale.action_dunning_quotation_mass",
    "exchanges": "/odoo/action-exchange_tracking.action_exchange_log",
    "exchange_followup_calendar": "/odoo/calendar",
    "customer_dunning": "/odoo/action-dunning_strategy.action_dunning_partner",
    "worklist": "/odoo/action-dunning_strategy.action_dunning_worklist",
    "customer_followup": "/odoo/action-dunning_strategy.action_dunning_followup/{hotel_du_lac}",
    "customer_timeline": "/odoo/action-dunning_strategy.action_dunning_followup/{hotel_du_lac}",
    "step_effectiveness": "/odoo/action-dunning_strategy.action_dunning_step_effectiveness",
    "receivables_health": "/odoo/action-dunning_strategy.action_dunning_receivables_health",
}
# what to click on a page before its screenshot
CLICKS = {
    "customer_timeline": ".o_notebook .nav-link[name='timeline']",
}
# what to bring into view before the screenshot
SCROLLS = {
    "customer_timeline": ".o_notebook",
}


class Browser:
    def __init__(self):
        chrome = shutil.which("chromium") or shutil.which("google-chrome")
        self.profile = tempfile.mkdtemp()
        self.proc = subprocess.Popen(
            [
                chrome,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-port=9333",
                "--window-size=1400,900",
                "--disable-background-networking",
                "--no-first-run",
                f"--user-data-dir={self.profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(50):
            try:
                with urllib.request.urlopen("http://127.0.0.1:9333/json", timeout=2) as resp:
                    targets = [t for t in json.load(resp) if t["type"] == "page"]
                if targets:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        self.ws = websocket.create_connection(targets[0]["webSocketDebuggerUrl"], suppress_origin=True)
        self.counter = 0

    def send(self, method, **params):
        self.counter += 1
        self.ws.send(json.dumps({"id": self.counter, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.counter:
                return message.get("result", {})

    def goto(self, url, wait=4):
        self.send("Page.navigate", url=url)
        time.sleep(wait)

    def js(self, expression):
        return self.send("Runtime.evaluate", expression=expression, awaitPromise=True)

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        self.ws.close()
        self.proc.terminate()
        shutil.rmtree(self.profile, ignore_errors=True)


def _partner_id(name, db="dunning_demo"):
    """Id of the demo customer ``name`` (its follow-up page is one of the screenshots)."""
    models = xmlrpc.client.ServerProxy(f"{BASE}/xmlrpc/2/object")
    uid = xmlrpc.client.ServerProxy(f"{BASE}/xmlrpc/2/common").authenticate(db, "admin", "admin", {})
    return models.execute_kw(db, uid, "admin", "res.partner", "search", [[("name", "=", name)]], {"limit": 1})[0]


def _strategy_id(db="dunning_demo"):
    """Id of the ready French strategy "Relances clients" (its form is one of the screenshots)."""
    models = xmlrpc.client.ServerProxy(f"{BASE}/xmlrpc/2/object")
    uid = xmlrpc.client.ServerProxy(f"{BASE}/xmlrpc/2/common").authenticate(db, "admin", "admin", {})
    domain = [("module", "=", "dunning_strategy"), ("name", "=", "strategy_relances_clients")]
    rows = models.execute_kw(db, uid, "admin", "ir.model.data", "search_read", [domain], {"fields": ["res_id"]})
    return rows[0]["res_id"]


def main():
    out = ROOT / "docs"
    out.mkdir(exist_ok=True)
    browser = Browser()
    try:
        browser.goto(f"{BASE}/web/login")
        browser.js(
            "document.querySelector('#login').value='admin';"
            "document.querySelector('#password').value='admin';"
            "document.querySelector('form.oe_login_form').submit();"
        )
        time.sleep(4)
        ids = {"hotel_du_lac": _partner_id("Hôtel du Lac"), "relances_clients": _strategy_id()}
        for name, url in PAGES.items():
            browser.goto(BASE + url.format(**ids), wait=5)
            if name in CLICKS:
                browser.js(f"document.querySelector({json.dumps(CLICKS[name])}).click()")
                time.sleep(2)
            if name in SCROLLS:
                browser.js(f"document.querySelector({json.dumps(SCROLLS[name])}).scrollIntoView()")
                time.sleep(1)
            browser.screenshot(out / f"{name}.png")
            print(f"docs/{name}.png")
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
