"""``python app.py``: ``--debug`` (Werkzeug's debugger runs any Python a visitor types) only on loopback.

`app.main` is called with a stand-in for ``app.run``: nothing is ever served here.
"""
import pytest

import app as app_module

LOOPBACK = ["127.0.0.1", "127.0.0.2", "localhost", "LocalHost", "::1", "[::1]"]
EXPOSED = ["0.0.0.0", "::", "[::]", "", "192.168.1.5", "10.0.0.1", "8.8.8.8", "example.com", "my-laptop",
           "fe80::1", "0177.0.0.1.evil.com", "localhost.evil.com", "127.0.0.1 ", " 0.0.0.0"]


@pytest.fixture
def runs(monkeypatch):
    """The calls `main` makes to ``app.run`` (none of them serves anything)."""
    calls = []
    monkeypatch.setattr(app_module.app, "run", lambda **kwargs: calls.append(kwargs))
    return calls


@pytest.mark.parametrize("host", EXPOSED)
def test_debug_on_a_non_loopback_host_is_refused(runs, capsys, host):
    with pytest.raises(SystemExit) as exc:
        app_module.main(["--host", host, "--debug"])
    assert exc.value.code == 2
    assert not runs, "a server was started"
    err = capsys.readouterr().err
    assert "--debug" in err and "loopback" in err


@pytest.mark.parametrize("host", LOOPBACK)
def test_debug_on_loopback_runs(runs, host):
    app_module.main(["--host", host, "--debug", "--port", "8123"])
    assert runs == [{"host": host, "port": 8123, "debug": True}]


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "127.0.0.1"])
def test_without_debug_any_host_runs(runs, host):
    app_module.main(["--host", host])
    assert runs == [{"host": host, "port": 8050, "debug": False}]


def test_debug_defaults_to_loopback(runs):
    app_module.main(["--debug"])
    assert runs == [{"host": "127.0.0.1", "port": 8050, "debug": True}]
