"""The package's public surface."""

import telenb


def test_top_level_names_the_issues_promise():
    for name in (
        "Carrier",
        "Caller",
        "Phone",
        "Texter",
        "connect",
        "erlang_b",
        "inspect",
        "synthesize",
        "recognize",
        "transcribe",
        "voices",
        "Audio",
    ):
        assert callable(getattr(telenb, name)), name
    assert "inspect" in dir(telenb)
