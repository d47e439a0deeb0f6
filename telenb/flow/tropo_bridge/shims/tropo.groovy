// telenb's Tropo shim for Groovy (run by Debian's groovy: `groovy tropo.groovy SCRIPT`).
//
// Tropo's verbs are closures in the script's binding, so `say "Hi", [voice: 'Kate']`,
// `say("Hi", voice: 'Kate')` (named arguments) and closures as handlers all work.  Each verb
// goes to telenb as a JSON line on the real stdout; the script's own println becomes a log line.
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import org.codehaus.groovy.ast.ClassNode
import org.codehaus.groovy.ast.CodeVisitorSupport
import org.codehaus.groovy.ast.expr.ConstantExpression
import org.codehaus.groovy.ast.expr.MethodCallExpression
import org.codehaus.groovy.ast.expr.VariableExpression
import org.codehaus.groovy.classgen.GeneratorContext
import org.codehaus.groovy.control.CompilePhase
import org.codehaus.groovy.control.CompilerConfiguration
import org.codehaus.groovy.control.SourceUnit
import org.codehaus.groovy.control.customizers.CompilationCustomizer

class TropoBridge {
    static PrintStream proto
    static BufferedReader input
    static List handlers = []
    static List pending = []
    static Binding binding

    static void send(Map message) {
        proto.print(JsonOutput.toJson(message) + "\n")
        proto.flush()
    }

    static Map receive() {
        String line = input.readLine()
        if (line == null) System.exit(0)  // telenb closed the pipe: the call is over
        (Map) new JsonSlurper().parseText(line)
    }

    static Object encode(Object v) {
        if (v instanceof Closure) { handlers << v; return ['$fn': handlers.size() - 1] }
        if (v instanceof Map) {
            def out = [:]
            v.each { k, x -> out[k.toString()] = encode(x) }
            return out
        }
        if (v instanceof Collection || v instanceof Object[]) return v.collect { encode(it) }
        if (v instanceof GString || v instanceof Character) return v.toString()
        if (v == null || v instanceof Number || v instanceof Boolean || v instanceof String) return v
        v.toString()
    }

    static Object verb(String name, Object[] args) {
        List a = args as List
        // named arguments arrive first: say("Hi", voice: 'Kate') == say([voice: 'Kate'], "Hi")
        if (a.size() >= 2 && a[0] instanceof Map && !(a[1] instanceof Map)) a = a[1..-1] + [a[0]]
        int mark = handlers.size()
        try {
            send([op: 'verb', verb: name, args: encode(a)])
            while (true) {
                Map m = receive()
                if (m.op == 'result') return m.containsKey('event') ? event(m) : m
                if (m.op == 'raise') throw new TropoException(m.message as String)
                if (m.op == 'rethrow') throw (Throwable) pending.pop()
                if (m.op == 'handler') runHandler(m)
            }
        } finally {
            while (handlers.size() > mark) handlers.remove(handlers.size() - 1)
        }
    }

    static void runHandler(Map m) {
        Closure c = (Closure) handlers[m.id as int]
        try {
            callHandler(c, event(m))
        } catch (Throwable t) {
            pending << t
            send([op: 'return', failed: true])
            return
        }
        send([op: 'return'])
    }

    static Object callHandler(Closure c, Object event) {
        c.maximumNumberOfParameters == 0 ? c.call() : c.call(event)
    }

    static Object event(Map m) {
        if (m.call) binding.setVariable('currentCall', new TropoCall(m.call as Map))
        if (m.event == null) return null
        def e = new TropoEvent(m.event as Map)
        if (m.call) e.value = binding.getVariable('currentCall')
        e
    }
}

class TropoException extends RuntimeException {
    TropoException(String message) { super(message) }
}

class TropoCall {
    static final List VERBS = ['answer', 'say', 'ask', 'prompt', 'record', 'transfer', 'conference',
        'message', 'wait', 'hangup', 'reject', 'redirect', 'log', 'startCallRecording', 'stopCallRecording']
    String callerID, calledID, callerName, calledName, network, channel, id, sessionId, initialText, userType
    Map headers = [:]
    TropoCall(Map s) {
        ['callerID', 'calledID', 'callerName', 'calledName', 'network', 'channel', 'id',
         'sessionId', 'initialText', 'userType'].each { this."$it" = s[it] }
        headers = (s.headers ?: [:]) as Map
    }
    String state() { TropoBridge.verb('_state', [] as Object[]).state }
    boolean isActive() { TropoBridge.verb('_state', [] as Object[]).active }
    String getHeader(String name) { headers.find { k, v -> k.equalsIgnoreCase(name) }?.value }
    String toString() { "[currentCall $callerID -> $calledID]" }
    Object tropoWait(Object[] a) { TropoBridge.verb('wait', a) }
    // Tropo's verbs are methods of currentCall too: currentCall.say('Hi') is say('Hi')
    def methodMissing(String name, Object args) {
        if (!(name in VERBS)) throw new MissingMethodException(name, TropoCall, args as Object[])
        if (name == 'log') return TropoBridge.verb('log', [(args as List).collect { it.toString() }.join(' ')] as Object[])
        TropoBridge.verb(name, args as Object[])
    }
}

class TropoEvent {
    String name
    Object value
    int attempt = 1
    Map choice = [:]
    String recordURI
    Object transcription
    Map data = [:]
    TropoEvent(Map d) {
        name = d.name; value = d.value; attempt = (d.attempt ?: 1) as int
        choice = (d.choice ?: [:]) as Map; recordURI = d.recordURI
        transcription = d.transcription; data = (d.data ?: [:]) as Map
    }
    def propertyMissing(String key) { data[key] }
    boolean onChoice(Object v, Closure c) {
        if (name == 'choice' && value == v?.toString()) TropoBridge.callHandler(c, this); true
    }
    boolean onBadChoice(Closure c) { on('badChoice', c) }
    boolean onTimeout(Closure c) { on('timeout', c) }
    boolean onHangup(Closure c) { on('hangup', c) }
    boolean onError(Closure c) { on('error', c) }
    private boolean on(String n, Closure c) { if (name == n) TropoBridge.callHandler(c, this); true }
    String toString() { "[event $name $value]" }
}

// `wait(500)` in a script would be java.lang.Object.wait(long), which Groovy prefers to any
// binding closure: the script's own wait calls (and currentCall.wait) become Tropo's wait
// when it is compiled.
class TropoWait extends CompilationCustomizer {
    TropoWait() { super(CompilePhase.CONVERSION) }
    void call(SourceUnit source, GeneratorContext context, ClassNode node) {
        if (!node.script) return
        def visitor = new CodeVisitorSupport() {
            void visitMethodCallExpression(MethodCallExpression call) {
                if (call.methodAsString == 'wait' && (call.implicitThis || (call.objectExpression instanceof VariableExpression
                        && call.objectExpression.name == 'currentCall'))) call.method = new ConstantExpression('tropoWait')
                super.visitMethodCallExpression(call)
            }
        }
        (node.methods + node.declaredConstructors).each { it.code?.visit(visitor) }
    }
}

class LogWriter extends Writer {
    private String line = ''
    void write(char[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            char c = buf[i]
            if (c == '\n' as char) { TropoBridge.send([op: 'print', text: line]); line = '' }
            else if (c != '\r' as char) line += c
        }
    }
    void flush() {}
    void close() { if (line) { TropoBridge.send([op: 'print', text: line]); line = '' } }
}

// -- run ---------------------------------------------------------------------------------------
TropoBridge.proto = new PrintStream(new FileOutputStream(FileDescriptor.out), true, 'UTF-8')
TropoBridge.input = new BufferedReader(new InputStreamReader(System.in, 'UTF-8'))
System.setOut(System.err)  // nothing but the protocol on the real stdout

def scriptFile = new File(args[0])
def start = TropoBridge.receive()
def binding = new Binding()
TropoBridge.binding = binding
(start.params ?: [:]).each { k, v -> binding.setVariable(k as String, v) }
binding.setVariable('currentCall', start.call ? new TropoCall(start.call as Map) : null)
binding.setVariable('currentApp', (start.app ?: [id: 'tropo', name: 'tropo', baseDir: '']) as Map)
['answer', 'say', 'ask', 'prompt', 'record', 'transfer', 'call', 'conference', 'message', 'wait',
 'hangup', 'reject', 'redirect', 'startCallRecording', 'stopCallRecording'].each { String name ->
    binding.setVariable(name, { Object[] a -> TropoBridge.verb(name, a) })
}
binding.setVariable('tropoWait', { Object[] a -> TropoBridge.verb('wait', a) })
binding.setVariable('log', { Object[] a -> TropoBridge.verb('log', [a.collect { it.toString() }.join(' ')] as Object[]) })
def logOut = new LogWriter()
binding.setVariable('out', new PrintWriter(logOut, true))

String fileName = scriptFile.name
String className = fileName.replaceAll(/\.[^.]*$/, '').replaceAll(/[^A-Za-z0-9_$]/, '_')
if (!(className ==~ /[A-Za-z_$].*/)) className = 'Script_' + className
try {
    def config = new CompilerConfiguration()
    config.addCompilationCustomizers(new TropoWait())
    def shell = new GroovyShell(TropoBridge.classLoader, binding, config)
    def code = new GroovyCodeSource(scriptFile.getText('UTF-8'), className + '.groovy', '/groovy/shell')
    def script = shell.parse(code)
    script.run()
    logOut.close()
} catch (org.codehaus.groovy.control.MultipleCompilationErrorsException e) {
    def err = e.errorCollector.errors.find { it.respondsTo('getCause') }?.cause
    String where = err?.respondsTo('getLine') ? "${scriptFile.path}:${err.line}" : scriptFile.path
    String text = err?.respondsTo('getOriginalMessage') ? err.originalMessage : e.message
    TropoBridge.send([op: 'error', message: "syntax error: $text", where: where, trace: ''])
    System.exit(1)
} catch (Throwable t) {
    logOut.close()
    def frames = t.stackTrace.findAll { it.fileName == className + '.groovy' && it.lineNumber > 0 }
    String where = frames ? "${scriptFile.path}:${frames[0].lineNumber}" : scriptFile.path
    String trace = frames.collect { "    at ${scriptFile.path}:${it.lineNumber}" }.unique().join('\n')
    String text = t instanceof TropoException ? t.message : "${t.class.name}: ${t.message}"
    TropoBridge.send([op: 'error', message: text, where: where, trace: trace])
    System.exit(1)
}
TropoBridge.send([op: 'exit'])
System.exit(0)
