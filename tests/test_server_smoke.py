"""The foundation: a server built from the tested database serves the web client and our addons."""

import urllib.request

import devenv


def test_server_serves_login_page_and_addons(new_server):
    server = new_server()
    with urllib.request.urlopen(f"{server.url}/web/login", timeout=30) as resp:
        body = resp.read().decode()
    assert resp.status == 200
    assert 'name="login"' in body

    admin = server.login()
    installed = admin.call(
        "ir.module.module", "search_read", [("name", "in", devenv.OUR_ADDONS)], fields=["name", "state"]
    )
    assert {m["name"] for m in installed} == set(devenv.OUR_ADDONS)
    assert {m["state"] for m in installed} == {"installed"}
