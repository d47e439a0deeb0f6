"""The bridge itself: the issue's Groovy voices script, errors that name the script's line,
handlers that raise, children that never outlive their call, missing interpreters."""

# ruff: noqa: E501  (the scripts in other languages read best one statement per line)

import os
import tomllib
from pathlib import Path

import pytest

import telenb
from telenb import Caller
from telenb.errors import ConfigurationError, FlowError
from telenb.flow import tropo_bridge
from telenb.flow.tropo_bridge import InterpreterMissing, child, languages, missing
from telenb.flow.tropo_bridge.languages import SHIMS

REPO = Path(__file__).resolve().parents[2]
VOICES = REPO / "examples" / "tropo" / "groovy" / "voices.groovy"
APP = "+14155550100"
EXT = {"js": "js", "groovy": "groovy", "ruby": "rb", "php": "php"}
LANGS = [
    pytest.param(n, marks=pytest.mark.skipif(missing(n) is not None, reason=missing(n) or ""))
    for n in EXT
]
PERSONAS = [
    ("Karen", "Australian"), ("Lee", "Australian"), ("Veena", "Indian"), ("Moira", "Irish"),
    ("Fiona", "Scottish"), ("Tessa", "South African"), ("Kate", "UK"), ("Serena", "UK"),
    ("Daniel", "UK"), ("Oliver", "UK"), ("Allison", "USA"), ("Ava", "USA"), ("Evelyn", "USA"),
    ("Samantha", "USA"), ("Susan", "USA"), ("Zoe", "USA"), ("Tom", "USA"), ("Victor", "USA"),
]  # fmt: skip
groovy = pytest.mark.skipif(missing("groovy") is not None, reason=missing("groovy") or "")


def source_run(lang, source, caller="", **kw):
    carrier = telenb.Carrier(seed=1, **kw)
    carrier.app(APP, script=source, lang=lang)
    return carrier.call(APP, caller=caller)


def greetings(result):
    return [(e["text"], e["voice"]) for e in result.trace.filter("say")][:18]


def expected_greetings():
    return [
        (f"Hello, how are you today? My name is {n} and I speak {a} English.", n)
        for n, a in PERSONAS
    ]


# -- the script ---------------------------------------------------------------------------
@groovy
def test_the_groovy_voices_script_runs_as_written_in_text_fidelity():
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, script=VOICES)
    result = carrier.call(APP, caller="say: red")
    assert result.error is None and result.status == "completed"
    assert greetings(result) == expected_greetings()
    assert len({voice for _, voice in greetings(result)}) == 18
    [ask] = result.trace.filter("ask")
    assert ask["prompt"].startswith("What color dress do you want?")
    assert result.results() == [("choice", "red")]
    last = result.trace.filter("say")[-1]
    assert (last["text"], last["voice"]) == (
        "Then you should get a red dress! I'll text you a link.",
        "Daniel",
    )
    bad = telenb.Carrier(seed=1)
    bad.app(APP, script=VOICES)
    other = bad.call(APP, caller="say: purple")
    assert other.results() == [("badChoice", "purple")]
    assert other.said()[-1] == "I didn't understand."


@groovy
def test_the_groovy_voices_script_speaks_every_voice_in_audio_fidelity():
    from telenb.speech import resolve_voice

    for name, _ in PERSONAS:  # each persona is a known Tropo voice with a local rendering
        assert resolve_voice(name, None, None, "tropo").provider == "tropo"
    carrier = telenb.Carrier(seed=1, fidelity="audio")
    carrier.app(APP, script=VOICES)
    result = carrier.call(APP, caller="say: blue")
    assert result.error is None
    assert greetings(result) == expected_greetings()
    durations = [e["duration"] for e in result.trace.filter("say")][:18]
    assert all(d > 2.0 for d in durations)  # synthesised speech, not silence
    assert result.results() == [("choice", "blue")]


# -- errors name the script and the line ------------------------------------------------------------
BROKEN = {
    "js": "answer();\nsay('one');\nnoSuchThing();\n",
    "groovy": "answer()\nsay('one')\nnoSuchThing()\n",
    "ruby": "answer\nsay 'one'\nno_such_thing\n",
    "php": "<?php\nanswer();\nsay('one');\nnoSuchThing();\n",
}
LINE = {"js": 3, "groovy": 3, "ruby": 3, "php": 4}
TITLE = {"js": "JavaScript", "groovy": "Groovy", "ruby": "Ruby", "php": "PHP"}


@pytest.mark.parametrize("lang", LANGS)
def test_a_script_error_fails_the_call_naming_the_file_and_line(lang, tmp_path):
    path = tmp_path / f"app.{EXT[lang]}"
    path.write_text(BROKEN[lang])
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, script=path)
    result = carrier.call(APP)
    assert result.status == "failed" and result.said() == ["one"]
    assert isinstance(result.error, tropo_bridge.ScriptError)
    assert str(result.error).startswith(f"{path.resolve()}:{LINE[lang]}: ")
    # source text (a notebook cell) is named as such, not by a temporary file
    cell = source_run(lang, BROKEN[lang])
    assert str(cell.error).startswith(f"<tropo {TITLE[lang]} script>:{LINE[lang]}: ")


SYNTAX = {
    "js": "answer();\nsay('one' +);\n",
    "groovy": "answer()\nsay('one' +)\n",
    "ruby": "answer\nsay('one' +)\n",
    "php": "<?php\nanswer();\nsay('one' .);\n",
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_syntax_error_names_its_line_and_nothing_runs(lang):
    result = source_run(lang, SYNTAX[lang])
    line = 3 if lang == "php" else 2
    assert str(result.error).startswith(f"<tropo {TITLE[lang]} script>:{line}: ")
    assert "syntax" in str(result.error).lower() and result.said() == []


CATCH = {
    "js": "answer();\ntry { say('hi', {colour: 'red'}); } catch (e) { log('caught ' + e.message); }\n",
    "groovy": "answer()\ntry { say('hi', [colour: 'red']) } catch (e) { log('caught ' + e.message) }\n",
    "ruby": "answer\nbegin\n  say 'hi', :colour => 'red'\nrescue => e\n  log 'caught ' + e.message\nend\n",
    "php": "<?php\nanswer();\ntry { say('hi', array('colour' => 'red')); }\n"
    "catch (Exception $e) { _log('caught ' . $e->getMessage()); }\n",
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_a_bad_option_raises_in_the_script_where_it_can_be_caught(lang):
    result = source_run(lang, CATCH[lang])
    assert result.error is None and result.said() == []
    [log] = result.trace.filter("log")
    assert log["message"].startswith("caught say() got an unknown option 'colour'")


HANDLER_RAISES = {
    "js": """answer();
try {
  ask('Pick', {choices: 'a, b', onChoice: function (e) { say('in handler'); throw new Error('boom ' + e.value); }});
} catch (err) { say('caught ' + err.message); }
""",
    "groovy": """answer()
try {
  ask('Pick', [choices: 'a, b', onChoice: { e -> say('in handler'); throw new RuntimeException("boom ${e.value}") }])
} catch (err) { say('caught ' + err.message) }
""",
    "ruby": """answer
begin
  ask 'Pick', :choices => 'a, b', :onChoice => lambda { |e| say 'in handler'; raise "boom #{e.value}" }
rescue => err
  say 'caught ' + err.message
end
""",
    "php": """<?php
answer();
function pick($e) { say('in handler'); throw new Exception('boom ' . $e->value); }
try { ask('Pick', array('choices' => 'a, b', 'onChoice' => 'pick')); }
catch (Exception $err) { say('caught ' . $err->getMessage()); }
""",
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_handler_that_raises_raises_out_of_its_verb(lang):
    result = source_run(lang, HANDLER_RAISES[lang], caller="say: b")
    assert result.error is None
    assert result.said() == ["Pick", "in handler", "caught boom b"]


UNCAUGHT = {
    "js": "answer();\nask('Pick', {choices: 'a, b',\n  onChoice: function (e) { throw new Error('boom'); }});\n",
    "groovy": "answer()\nask('Pick', [choices: 'a, b',\n  onChoice: { e -> throw new RuntimeException('boom') }])\n",
    "ruby": "answer\nask 'Pick', :choices => 'a, b',\n  :onChoice => lambda { |e| raise 'boom' }\n",
    "php": "<?php\nanswer();\nfunction pick($e) { throw new Exception('boom'); }\n"
    "ask('Pick', array('choices' => 'a, b', 'onChoice' => 'pick'));\n",
}  # fmt: skip


@pytest.mark.parametrize("lang", LANGS)
def test_an_uncaught_handler_error_names_the_handlers_line(lang):
    result = source_run(lang, UNCAUGHT[lang], caller="say: a")
    assert result.status == "failed" and result.results() == [("choice", "a")]
    assert str(result.error).startswith(f"<tropo {TITLE[lang]} script>:3: ")
    assert "boom" in str(result.error)


# -- children never outlive their call -------------------------------------------------------------
@pytest.fixture
def children(monkeypatch):
    made = []
    original = child.Child.__init__

    def record(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(child.Child, "__init__", record)
    return made


def gone(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


LOOP_OF_ASKS = {
    "js": "answer();\nwhile (currentCall.isActive()) { ask('Again?', {choices: 'yes'}); }\n",
    "groovy": "answer()\nwhile (currentCall.isActive()) { ask('Again?', [choices: 'yes']) }\n",
    "ruby": "answer\nask 'Again?', :choices => 'yes' while $currentCall.isActive\n",
    "php": "<?php\nanswer();\n"
    "while ($currentCall->isActive()) { ask('Again?', array('choices' => 'yes')); }\n",
}


@pytest.mark.parametrize("lang", LANGS)
def test_the_caller_hanging_up_ends_the_script_and_its_interpreter(lang, children):
    result = source_run(lang, LOOP_OF_ASKS[lang], caller="say: yes; wait: 4s; hangup")
    assert result.status == "completed" and result.error is None
    assert result.results() == [("choice", "yes"), ("hangup", "")]
    [kid] = children
    assert not kid.running and gone(kid.pid)


@pytest.mark.parametrize("lang", LANGS)
def test_a_flow_stopped_mid_verb_kills_its_interpreter(lang, children):
    carrier = telenb.Carrier(seed=1)
    carrier.app(APP, script=LOOP_OF_ASKS[lang], lang=lang)
    result = carrier.call(APP, caller="silence", run=False)
    carrier.run(until=1.0)  # the script is blocked in its first ask
    [kid] = children
    assert kid.running
    [runner] = result.runners
    runner.stop("the call was redirected")
    assert not kid.running and gone(kid.pid)


SPIN = {
    "js": "answer();\nwhile (true) {}\n",
    "groovy": "answer()\nwhile (true) {}\n",
    "ruby": "answer\nloop {}\n",
    "php": "<?php\nanswer();\nwhile (true) {}\n",
}


@pytest.mark.parametrize("lang", LANGS)
def test_a_script_that_computes_forever_is_stopped(lang, children, monkeypatch):
    monkeypatch.setattr(child, "STEP_TIMEOUT", 1.0)
    result = source_run(lang, SPIN[lang])
    assert result.status == "failed" and isinstance(result.error, FlowError)
    assert "did nothing the call could see for 1 seconds" in str(result.error)
    [kid] = children
    assert not kid.running and gone(kid.pid)


@pytest.mark.parametrize("lang", LANGS)
def test_a_finished_script_leaves_no_process(lang, children):
    result = source_run(lang, {"php": "<?php\nanswer();\n"}.get(lang, "answer()\n"))
    assert result.status == "completed"
    [kid] = children
    assert gone(kid.pid)


# -- era habits -------------------------------------------------------------------------------------
ERA = {
    "js": "for each (var v in {a: 'x', b: 'y'}) { print('v=' + v); }\nlog(typeof importPackage);\n",
    "ruby": "\"one\\ntwo\".each { |l| puts 'line ' + l.chomp }\nputs({'k' => 'v'}.index('v'))\n",
    "php": "<?php\n$a = array('x' => 1);\nwhile (list($k, $v) = each($a)) { echo \"$k=$v\\n\"; }\n"
    "$p = split(',', 'a,b');\necho count($p) . \"\\n\";\n"
    "$f = create_function('$n', 'return $n * 2;');\necho $f(21) . \"\\n\";\n",
    "groovy": 'def m = [a: 1]\nm.each { k, v -> println "$k=$v" }\nwait(250)\n',
}
ERA_LOGS = {
    "js": ["v=x", "v=y", "undefined"],
    "ruby": ["line one", "line two", "k"],
    "php": ["x=1", "2", "42"],
    "groovy": ["a=1"],
}


@pytest.mark.parametrize("lang", LANGS)
def test_habits_of_tropos_era_of_each_language_still_run(lang):
    result = source_run(lang, ERA[lang])
    assert result.error is None
    assert [e["message"] for e in result.trace.filter("log")] == ERA_LOGS[lang]
    if lang == "groovy":  # wait() is Tropo's, not java.lang.Object.wait
        assert result.trace.filter("wait")[0]["seconds"] == 0.25


# -- choosing the language ---------------------------------------------------------------------------
def test_a_missing_interpreter_is_named_with_its_debian_package(monkeypatch, tmp_path):
    monkeypatch.setattr(languages.shutil, "which", lambda name: None)
    path = tmp_path / "app.groovy"
    path.write_text("answer()\n")
    with pytest.raises(InterpreterMissing) as err:
        telenb.Carrier().app(APP, script=path)
    assert "groovy" in str(err.value) and "apt-get install groovy" in str(err.value)
    with pytest.raises(InterpreterMissing, match="php-cli"):
        telenb.Carrier().app(APP, script="<?php say('x');", lang="php")
    assert "nodejs" in missing("js")


def test_unknown_language_and_lang_without_a_script_are_refused():
    with pytest.raises(ConfigurationError, match="python, js, groovy, ruby, php"):
        telenb.Carrier().app(APP, script="say('x')", lang="cobol")
    with pytest.raises(ConfigurationError, match="script="):
        telenb.Carrier().app(APP, lambda call: None, lang="js")


def test_python_scripts_still_run_in_the_kernel(children):
    result = source_run("python", "answer()\nsay('py')\n")
    assert result.said() == ["py"] and children == []


def test_the_shims_are_package_data():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "flow/tropo_bridge/shims/*" in config["tool"]["setuptools"]["package-data"]["telenb"]
    for lang in languages.LANGUAGES.values():
        assert (SHIMS / lang.shim).is_file()


@pytest.mark.parametrize("lang", LANGS)
def test_concurrent_calls_each_get_their_own_interpreter(lang, children):
    source = {
        "js": "answer();\nvar r = ask('Name?', {choices: 'ann, bob'});\nsay('Hi ' + r.value);\n",
        "groovy": "answer()\ndef r = ask('Name?', [choices: 'ann, bob'])\nsay(\"Hi $r.value\")\n",
        "ruby": "answer\nr = ask 'Name?', :choices => 'ann, bob'\nsay \"Hi #{r.value}\"\n",
        "php": "<?php\nanswer();\n$r = ask('Name?', array('choices' => 'ann, bob'));\n"
        "say('Hi ' . $r->value);\n",
    }[lang]  # fmt: skip
    carrier = telenb.Carrier(seed=2)
    carrier.app(APP, script=source, lang=lang)
    a = carrier.call(APP, caller=Caller("say: ann", number="+14155550201"), run=False)
    b = carrier.call(APP, caller=Caller("wait: 1s; say: bob", number="+14155550202"), run=False)
    carrier.run()
    assert a.said()[-1] == "Hi ann" and b.said()[-1] == "Hi bob"
    assert len(children) == 2 and all(gone(k.pid) for k in children)


@pytest.mark.skipif(missing("ruby") is not None, reason=missing("ruby") or "")
def test_a_tropo_cell_in_another_language_answers_its_number(ipython):
    ipython.run_cell_magic("tropo", "+15550100 --lang ruby", 'say "Hello from Ruby"\nhangup\n')
    result = ipython.run_line_magic("tel", "call +15550100")
    assert [e["text"] for e in result.trace.filter("say")] == ["Hello from Ruby"]


@pytest.mark.skipif(missing("ruby") is not None, reason=missing("ruby") or "")
def test_the_cli_runs_a_ruby_script_by_its_extension(tmp_path, capsys):
    from telenb.cli import main

    script = tmp_path / "hello.rb"
    script.write_text('say "Hello from a file"\nhangup\n')
    assert main(["run", str(script), "--to", "+15550100"]) == 0
    assert "Hello from a file" in capsys.readouterr().out
