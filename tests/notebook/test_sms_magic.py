"""%%sms, %tel messages and %tel threads, run through a real IPython shell."""

import pytest

import telenb
from telenb.errors import MessageError
from telenb.sim.messaging import Message
from telenb.sim.textresult import TextResult
from telenb.sim.threads import Threads


@pytest.fixture
def shell(ipython):
    return ipython


def test_sms_to_a_handset_sends_from_the_carriers_number_and_shows_the_final_message(shell):
    c = telenb.Carrier(seed=9)
    c.phone("+15550123", sms="landline")
    msg = shell.run_cell_magic("sms", "+15550123", "Your table is ready.\n")
    assert isinstance(msg, Message) and msg.body == "Your table is ready."
    assert (msg.from_, msg.status, msg.error_code) == (c.default_caller_id, "undelivered", 30006)
    other = shell.run_cell_magic("sms", "+15550124 --from +15550100", "Hi")
    assert (other.from_, other.status) == ("+15550100", "delivered")


def test_sms_to_an_app_starts_a_text_session_and_shows_the_conversation(shell):
    c = telenb.Carrier(seed=9)

    @c.app("+15550100")
    def echo(call):
        call.say(f"You wrote {len(call.initial_text)} characters over {call.channel}.")

    result = shell.run_cell_magic("sms", "+15550100 --from +15550177", "line one\nline two\n")
    assert isinstance(result, TextResult) and result.person == "+15550177"
    assert result.replies() == ["You wrote 17 characters over TEXT."]
    assert "< +15550177: line one" in repr(result) and "telenb-thread" in result._repr_html_()


def test_sms_magic_reports_bad_bodies_clearly(shell):
    telenb.Carrier(seed=9)
    with pytest.raises(MessageError, match="white space"):
        shell.run_cell_magic("sms", "+15550123", "   \n")


def test_tel_messages_and_threads(shell):
    c = telenb.Carrier(seed=9)
    c.send_message("one", to="+15550123")
    c.send_message("two", to="+15550124")
    c.run()
    log = shell.run_line_magic("tel", "messages")
    assert log is c.messages and "total: 2 messages" in repr(log)
    threads = shell.run_line_magic("tel", "threads")
    assert isinstance(threads, Threads) and len(threads) == 2


def test_help_lists_the_sms_commands(shell):
    out = repr(shell.run_line_magic("tel", "help"))  # %tel help returns the list
    assert "%%sms TO [--from N]" in out and "%tel messages" in out and "%tel threads" in out
