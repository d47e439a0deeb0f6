<?php
// telenb's Tropo shim for PHP (run by Debian's php-cli: `php tropo.php SCRIPT`).
//
// Tropo's verbs are functions taking a text and an options array; handlers are callables
// (a function's name, a closure, create_function(...)).  `$currentCall` and session parameters
// are globals, and logging is `_log()` (PHP's own log() is the logarithm), as on Tropo.  Each
// verb goes to telenb as a JSON line on stdout; echo/print become log lines.

ini_set('display_errors', 'stderr');
error_reporting(E_ALL & ~E_DEPRECATED & ~E_NOTICE);

final class TropoBridge
{
    public static $handlers = array();
    public static $pending = array();
    public static $line = '';

    public static function send($message)
    {
        fwrite(STDOUT, json_encode($message, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
            | JSON_PRESERVE_ZERO_FRACTION | JSON_PARTIAL_OUTPUT_ON_ERROR) . "\n");
        fflush(STDOUT);
    }

    public static function receive()
    {
        $line = fgets(STDIN);
        if ($line === false) {
            exit(0); // telenb closed the pipe: the call is over
        }
        return json_decode($line, true);
    }

    public static function encode($v, $key = null)
    {
        // only on* options can be handlers: 'voice' => 'say' is a voice, not a callable
        if ($v instanceof Closure || (is_string($key) && strncmp($key, 'on', 2) === 0 && is_callable($v))) {
            self::$handlers[] = $v;
            return array('$fn' => count(self::$handlers) - 1);
        }
        if (is_array($v)) {
            $out = array();
            foreach ($v as $k => $x) {
                $out[$k] = self::encode($x, $k);
            }
            return $out;
        }
        if (is_object($v)) {
            return method_exists($v, '__toString') ? (string) $v : get_class($v);
        }
        return $v;
    }

    public static function verb($name, $args)
    {
        $mark = count(self::$handlers);
        try {
            self::send(array('op' => 'verb', 'verb' => $name, 'args' => array_values(self::encode($args))));
            for (;;) {
                $m = self::receive();
                if ($m['op'] === 'result') {
                    return array_key_exists('event', $m) ? self::event($m) : $m;
                }
                if ($m['op'] === 'raise') {
                    throw new TropoException($m['message']);
                }
                if ($m['op'] === 'rethrow') {
                    throw array_pop(self::$pending);
                }
                if ($m['op'] === 'handler') {
                    self::runHandler($m);
                }
            }
        } finally {
            array_splice(self::$handlers, $mark);
        }
    }

    public static function runHandler($m)
    {
        try {
            self::callHandler(self::$handlers[$m['id']], self::event($m));
        } catch (Throwable $e) {
            self::$pending[] = $e;
            self::send(array('op' => 'return', 'failed' => true));
            return;
        }
        self::send(array('op' => 'return'));
    }

    public static function callHandler($h, $event)
    {
        return call_user_func($h, $event);
    }

    public static function event($m)
    {
        if (!empty($m['call'])) {
            $GLOBALS['currentCall'] = new TropoCall($m['call']);
        }
        if ($m['event'] === null) {
            return null;
        }
        $e = new TropoEvent($m['event']);
        if (!empty($m['call'])) {
            $e->value = $GLOBALS['currentCall'];
        }
        return $e;
    }

    public static function output($buffer, $phase)
    {
        self::$line .= $buffer;
        while (($i = strpos(self::$line, "\n")) !== false) {
            self::send(array('op' => 'print', 'text' => substr(self::$line, 0, $i)));
            self::$line = (string) substr(self::$line, $i + 1);
        }
        if (($phase & PHP_OUTPUT_HANDLER_FINAL) && self::$line !== '') {
            self::send(array('op' => 'print', 'text' => self::$line));
            self::$line = '';
        }
        return '';
    }
}

class TropoException extends Exception
{
}

class TropoCall
{
    public $callerID, $calledID, $callerName, $calledName, $network, $channel, $id, $sessionId,
        $initialText, $headers, $userType;

    public function __construct($s)
    {
        foreach (array('callerID', 'calledID', 'callerName', 'calledName', 'network', 'channel',
                       'id', 'sessionId', 'initialText', 'userType') as $k) {
            $this->$k = isset($s[$k]) ? $s[$k] : null;
        }
        $this->headers = isset($s['headers']) ? $s['headers'] : array();
    }

    public function state()
    {
        $r = TropoBridge::verb('_state', array());
        return $r['state'];
    }

    public function isActive()
    {
        $r = TropoBridge::verb('_state', array());
        return $r['active'];
    }

    public function getHeader($name)
    {
        foreach ($this->headers as $k => $v) {
            if (strcasecmp($k, $name) === 0) {
                return $v;
            }
        }
        return null;
    }

    public function __toString()
    {
        return "[currentCall {$this->callerID} -> {$this->calledID}]";
    }

    // Tropo's verbs are methods of $currentCall too: $currentCall->say('Hi') is say('Hi')
    public function __call($name, $args)
    {
        $verbs = array('answer', 'say', 'ask', 'prompt', 'record', 'transfer', 'conference',
                       'message', 'wait', 'hangup', 'reject', 'redirect', 'startCallRecording',
                       'stopCallRecording');
        if ($name === 'log') {
            return TropoBridge::verb('log', array(implode(' ', $args)));
        }
        if (!in_array($name, $verbs, true)) {
            throw new Error("Call to undefined method TropoCall::$name()");
        }
        return TropoBridge::verb($name, $args);
    }
}

#[AllowDynamicProperties]
class TropoEvent
{
    public $name, $value, $attempt, $choice, $recordURI, $transcription;

    public function __construct($d)
    {
        foreach ((isset($d['data']) ? $d['data'] : array()) as $k => $v) {
            $this->$k = $v;
        }
        $this->name = $d['name'];
        $this->value = $d['value'];
        $this->attempt = $d['attempt'];
        $this->choice = (object) (isset($d['choice']) ? $d['choice'] : array());
        $this->recordURI = $d['recordURI'];
        $this->transcription = $d['transcription'];
    }

    public function onChoice($value, $h)
    {
        if ($this->name === 'choice' && $this->value == $value) {
            TropoBridge::callHandler($h, $this);
        }
        return true;
    }

    public function onBadChoice($h) { return $this->on('badChoice', $h); }
    public function onTimeout($h) { return $this->on('timeout', $h); }
    public function onHangup($h) { return $this->on('hangup', $h); }
    public function onError($h) { return $this->on('error', $h); }

    private function on($name, $h)
    {
        if ($this->name === $name) {
            TropoBridge::callHandler($h, $this);
        }
        return true;
    }

    public function __toString()
    {
        return "[event {$this->name} {$this->value}]";
    }
}

function answer() { return TropoBridge::verb('answer', func_get_args()); }
function say() { return TropoBridge::verb('say', func_get_args()); }
function ask() { return TropoBridge::verb('ask', func_get_args()); }
function prompt() { return TropoBridge::verb('prompt', func_get_args()); }
function record() { return TropoBridge::verb('record', func_get_args()); }
function transfer() { return TropoBridge::verb('transfer', func_get_args()); }
function call() { return TropoBridge::verb('call', func_get_args()); }
function conference() { return TropoBridge::verb('conference', func_get_args()); }
function message() { return TropoBridge::verb('message', func_get_args()); }
function wait() { return TropoBridge::verb('wait', func_get_args()); }
function hangup() { return TropoBridge::verb('hangup', func_get_args()); }
function reject() { return TropoBridge::verb('reject', func_get_args()); }
function redirect() { return TropoBridge::verb('redirect', func_get_args()); }
function startCallRecording() { return TropoBridge::verb('startCallRecording', func_get_args()); }
function stopCallRecording() { return TropoBridge::verb('stopCallRecording', func_get_args()); }
function _log() { return TropoBridge::verb('log', array(implode(' ', func_get_args()))); }

// PHP 5 functions Tropo-era scripts use, gone from PHP 7 and 8
if (!function_exists('create_function')) {
    function create_function($args, $code)
    {
        return eval("return function ($args) { $code };");
    }
}
if (!function_exists('each')) {
    function each(array &$a)
    {
        $k = key($a);
        if ($k === null) {
            return false;
        }
        $v = current($a);
        next($a);
        return array(1 => $v, 'value' => $v, 0 => $k, 'key' => $k);
    }
}
if (!function_exists('split')) {
    function split($pattern, $string, $limit = -1)
    {
        return preg_split('#' . str_replace('#', '\\#', $pattern) . '#', $string, $limit);
    }
}
if (!function_exists('ereg')) {
    function ereg($pattern, $string, &$regs = null)
    {
        return preg_match('#' . str_replace('#', '\\#', $pattern) . '#', $string, $regs);
    }
    function eregi($pattern, $string, &$regs = null)
    {
        return preg_match('#' . str_replace('#', '\\#', $pattern) . '#i', $string, $regs);
    }
}

function tropo_where($e, $script)
{
    if ($e->getFile() === $script) {
        return $script . ':' . $e->getLine();
    }
    foreach ($e->getTrace() as $f) {
        if (isset($f['file']) && $f['file'] === $script) {
            return $script . ':' . $f['line'];
        }
    }
    return $script;
}

function tropo_fail($e, $script)
{
    while (ob_get_level() > 0) {
        ob_end_flush();
    }
    $trace = array();
    foreach ($e->getTrace() as $f) {
        if (isset($f['file']) && $f['file'] === $script) {
            $trace[] = "    at $script:{$f['line']}";
        }
    }
    $text = $e instanceof TropoException ? $e->getMessage() : get_class($e) . ': ' . $e->getMessage();
    TropoBridge::send(array('op' => 'error', 'message' => $text, 'where' => tropo_where($e, $script),
                            'trace' => implode("\n", $trace)));
    exit(1);
}

// -- run ---------------------------------------------------------------------------------------
$__tropo_script = realpath($argv[1]);
$__tropo_start = TropoBridge::receive();
foreach ((isset($__tropo_start['params']) ? $__tropo_start['params'] : array()) as $__k => $__v) {
    if (preg_match('/^[A-Za-z_]\w*$/', $__k)) {
        $GLOBALS[$__k] = $__v;
    }
}
$currentCall = empty($__tropo_start['call']) ? null : new TropoCall($__tropo_start['call']);
$currentApp = (object) (isset($__tropo_start['app']) ? $__tropo_start['app']
    : array('id' => 'tropo', 'name' => 'tropo', 'baseDir' => ''));
register_shutdown_function(function () use ($__tropo_script) {
    $err = error_get_last();
    if ($err !== null && ($err['type'] & (E_ERROR | E_PARSE | E_COMPILE_ERROR | E_CORE_ERROR))) {
        TropoBridge::send(array('op' => 'error', 'message' => $err['message'],
                                'where' => $err['file'] . ':' . $err['line'], 'trace' => ''));
    }
});
unset($__k, $__v);
ob_start(array('TropoBridge', 'output'), 1);
try {
    require $__tropo_script;
} catch (Throwable $__e) {
    tropo_fail($__e, $__tropo_script);
}
while (ob_get_level() > 0) {
    ob_end_flush();
}
TropoBridge::send(array('op' => 'exit'));
exit(0);
