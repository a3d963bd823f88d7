"""Our INSTREAM client against a real clamd (tests/uploads/clamd_server.py), over both transports."""

import socket

import pytest

from safeguarding.uploads import clamd as client
from tests.uploads.clamd_server import EICAR, NDB_SIGNATURE, SIGNATURES, STREAM_MAX_BYTES


@pytest.mark.parametrize("transport", ["unix_url", "tcp_url"])
def test_clean_and_infected_over_each_transport(clamd, transport):
    url = getattr(clamd, transport)
    assert client.command(url, "PING") == "PONG"
    assert client.instream(url, [b"Notes from the visit.\n"]) == client.Verdict(infected=False)
    verdict = client.instream(url, [EICAR])
    assert verdict.infected and verdict.signature in SIGNATURES


def test_found_inside_other_bytes_across_chunks(clamd):
    # the body signature finds the test string wherever it is, split over the chunks we send
    half = len(EICAR) // 2
    verdict = client.instream(clamd.unix_url, [b"x" * 100_000 + EICAR[:half], EICAR[half:] + b"\ntrailing\n"])
    assert verdict == client.Verdict(True, NDB_SIGNATURE)


def test_version_names_clamav(clamd):
    assert client.command(clamd.tcp_url, "VERSION").startswith("ClamAV ")


def test_longer_than_clamds_stream_limit_is_an_error_not_a_verdict(clamd):
    with pytest.raises(client.ClamdError, match="size limit|stopped reading"):
        client.instream(clamd.unix_url, [b"a" * (STREAM_MAX_BYTES + 1024)])


def test_nobody_listening(tmp_path):
    with pytest.raises(client.ClamdError, match="cannot reach clamd"):
        client.instream(f"unix://{tmp_path / 'none.sock'}", [b"x"])
    with socket.socket() as s:  # a port that was free a moment ago
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(client.ClamdError):
        client.command(f"tcp://127.0.0.1:{port}", "PING", timeout=1)


def test_a_server_that_hangs_up(tmp_path):
    path = tmp_path / "rude.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        server.listen(1)
        # it accepts (in the backlog) and never answers: the client times out, or sees the close
        with pytest.raises(client.ClamdError):
            client.instream(f"unix://{path}", [b"x"], timeout=0.2)


@pytest.mark.parametrize("url, family, address", [
    ("tcp://clamav:3310", socket.AF_INET, ("clamav", 3310)),
    ("unix:///run/clamav/clamd.ctl", socket.AF_UNIX, "/run/clamav/clamd.ctl"),
])
def test_urls(url, family, address):
    assert client.parse_url(url) == (family, address)


@pytest.mark.parametrize("url", ["clamav:3310", "tcp://clamav", "http://clamav:3310", "unix://", "tcp://:3310"])
def test_bad_urls(url):
    with pytest.raises(ValueError, match="CLAMD_URL"):
        client.parse_url(url)
