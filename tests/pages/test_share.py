"""The share box: short links, long links, loopback origins, and a QR code encoded only when it is looked at."""

import pytest
import segno

import ui.components
from tests.live.apptest import end_move
from tests.pages.conftest import open_page, texts
from ui.components import QR_MAX_BYTES, is_loopback_host, qr_fits, qr_svg, share_origin, short_link

TEN_THOUSAND = ",".join(str(i % 7) for i in range(10_000))


def test_qr_fits_agrees_with_the_encoder_at_the_limit():
    for n in (QR_MAX_BYTES, QR_MAX_BYTES + 1):
        url = "http://h/" + "a" * (n - 9)
        try:
            segno.make(url, error="m", micro=False)
            fits = True
        except segno.DataOverflowError:
            fits = False
        assert qr_fits(url) == fits == (n <= QR_MAX_BYTES)


def test_qr_svg_is_a_scalable_code_with_a_white_quiet_zone():
    svg = qr_svg("http://192.168.1.20:8501/softmax?lang=en")
    version = segno.make("http://192.168.1.20:8501/softmax?lang=en", error="m", micro=False).version
    side = 17 + 4 * version + 2 * 4
    assert f'viewBox="0 0 {side} {side}"' in svg and "width=" not in svg.split(">")[0]
    assert "#fff" in svg.lower()
    assert qr_svg("http://h/" + "a" * QR_MAX_BYTES) is None


def test_short_link_keeps_the_start_and_marks_the_cut():
    url = "http://h/softmax?logits=" + TEN_THOUSAND
    short = short_link(url)
    assert short == url[:80] + "…" and short_link(url[:80]) is None


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "app.localhost"])
def test_loopback_hosts_are_recognised(host):
    assert is_loopback_host(host)


@pytest.mark.parametrize("host", ["192.168.1.20", "10.0.0.5", "softmax.school.example", "::ffff:c0a8:114", ""])
def test_other_hosts_are_not_loopback(host):
    assert not is_loopback_host(host)


def test_a_loopback_origin_is_swapped_for_the_lan_address_with_its_port():
    assert share_origin("http://[::1]:8600", lan=["10.1.2.3"]) == ("http://10.1.2.3:8600", "lan")
    assert share_origin("http://localhost", lan=["10.1.2.3"]) == ("http://10.1.2.3", "lan")


def test_a_server_listening_on_loopback_only_is_unreachable_even_with_a_lan_address():
    assert share_origin("http://localhost:8501", lan=["10.1.2.3"], server_address="127.0.0.1") == (
        "http://localhost:8501", "unreachable")


def test_lan_addresses_are_never_loopback():
    assert not any(is_loopback_host(a) for a in ui.components.lan_addresses())


@pytest.fixture
def lan(monkeypatch):
    def use(addresses):
        monkeypatch.setattr(ui.components, "lan_addresses", lambda: tuple(addresses))
    return use


def test_a_teacher_on_localhost_shares_the_lan_address(lan):
    lan(["192.0.2.7"])
    at = open_page("softmax", logits="3,1,2")
    link = at.sidebar.code[0].value
    assert link.startswith("http://192.0.2.7:8501/softmax?") and "localhost" not in link
    assert "192.0.2.7" in texts(at)


def test_without_a_lan_address_the_box_says_phones_cannot_reach_localhost(lan):
    lan([])
    at = open_page("softmax")
    assert at.sidebar.code[0].value.startswith("http://localhost:8501/")
    assert "--server.address 0.0.0.0" in at.sidebar.warning[0].value


def test_a_ten_thousand_logit_link_is_shown_short_with_its_length(lan):
    lan(["192.0.2.7"])
    at = open_page("softmax", logits=TEN_THOUSAND)
    assert not at.exception
    assert not at.sidebar.code, "the full link is built only when its expander is opened"
    short = [m.value for m in at.sidebar.markdown if "…" in m.value]
    assert len(short) == 1 and len(short[0]) < 200, short
    assert "http://192.0.2.7:8501/softmax?" in short[0] and "characters" in short[0]
    at.session_state["share.full_link"] = True
    at.run()
    assert len(at.sidebar.code[0].value) > 20_000
    assert any("too long" in i.value for i in at.sidebar.info)


def test_no_qr_code_is_encoded_while_its_box_is_closed(monkeypatch, lan):
    lan(["192.0.2.7"])
    calls = []
    real = segno.make
    monkeypatch.setattr(ui.components.segno, "make", lambda *a, **k: calls.append(a) or real(*a, **k))
    at = open_page("softmax", logits="3,1,2.25")
    before = at.sidebar.code[0].value
    at = end_move(at, "softmax.live", [2.5, 1.0, 2.25])  # a student moves a logit: a new link
    assert at.sidebar.code[0].value != before
    assert calls == [] and not at.get("image")
    at.session_state["share.qr"] = True
    at.run()
    assert len(at.get("image")) == 1 and len(calls) == 1


def test_the_full_screen_button_of_a_link_too_long_for_any_qr_code_says_so(lan):
    lan(["192.0.2.7"])
    at = open_page("softmax", logits=TEN_THOUSAND)
    too_long = [i.value for i in at.sidebar.info if "too long" in i.value]
    assert len(too_long) == 1
    at.sidebar.button[-1].click().run()  # the share box's last button: full screen
    assert not at.exception
    # The dialog says it too (AppTest lists a dialog's elements with the page's, not the sidebar's).
    assert [i.value for i in at.info].count(too_long[0]) == 2
    assert not at.get("image")
