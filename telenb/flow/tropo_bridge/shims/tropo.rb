# telenb's Tropo shim for Ruby (run by Debian's ruby: `ruby tropo.rb SCRIPT`).
#
# Tropo's verbs are top-level methods taking a text and an options hash
# (`ask 'Pick one', :choices => 'a, b', :onChoice => lambda { |event| say event.value }`);
# `$currentCall` and session parameters (`$to`, `$message`) are globals, as on Tropo.  Each verb
# goes to telenb as a JSON line on the real stdout; puts/print become log lines.
require 'json'
require 'ostruct'

module TropoBridge
  PROTO = STDOUT.dup
  PROTO.sync = true
  STDOUT.reopen(STDERR) # nothing but the protocol on the real stdout
  @handlers = []
  @pending = []

  class Error < StandardError; end

  class << self
    attr_reader :handlers, :pending

    def send_message(message)
      PROTO.write(JSON.generate(message) + "\n")
    end

    def receive
      line = STDIN.gets
      exit!(0) if line.nil? # telenb closed the pipe: the call is over
      JSON.parse(line)
    end

    def encode(v)
      case v
      when Proc, Method then @handlers << v; { '$fn' => @handlers.size - 1 }
      when Hash then v.each_with_object({}) { |(k, x), out| out[k.to_s] = encode(x) }
      when Array then v.map { |x| encode(x) }
      when Symbol then v.to_s
      when nil, true, false, Numeric, String then v
      else v.to_s
      end
    end

    def verb(name, args)
      mark = @handlers.size
      begin
        send_message('op' => 'verb', 'verb' => name, 'args' => encode(args))
        loop do
          m = receive
          case m['op']
          when 'result' then return m.key?('event') ? event(m) : m
          when 'raise' then raise Error, m['message']
          when 'rethrow' then raise @pending.pop
          when 'handler' then run_handler(m)
          end
        end
      ensure
        @handlers.slice!(mark..-1)
      end
    end

    def run_handler(m)
      begin
        call_handler(@handlers[m['id']], event(m))
      rescue Exception => e # rubocop:disable Lint/RescueException -- rethrown at the verb
        @pending << e
        send_message('op' => 'return', 'failed' => true)
        return
      end
      send_message('op' => 'return')
    end

    def call_handler(h, event)
      h.arity.zero? ? h.call : h.call(event)
    end

    def event(m)
      $currentCall = TropoCall.new(m['call']) if m['call']
      return nil if m['event'].nil?
      e = TropoEvent.new(m['event'])
      e.value = $currentCall if m['call']
      e
    end
  end
end

class TropoCall
  attr_reader :callerID, :calledID, :callerName, :calledName, :network, :channel, :id,
              :sessionId, :initialText, :headers, :userType

  # Tropo's verbs are methods of $currentCall too: $currentCall.say('Hi') is say('Hi')
  %w[answer say ask prompt record transfer conference message wait hangup reject redirect
     startCallRecording stopCallRecording].each do |verb|
    define_method(verb) { |*args| TropoBridge.verb(verb, args) }
  end

  def log(*parts)
    TropoBridge.verb('log', [parts.map(&:to_s).join(' ')])
  end

  def initialize(s)
    %w[callerID calledID callerName calledName network channel id sessionId initialText userType].each do |k|
      instance_variable_set("@#{k}", s[k])
    end
    @headers = s['headers'] || {}
  end

  def state
    TropoBridge.verb('_state', [])['state']
  end

  def isActive
    TropoBridge.verb('_state', [])['active']
  end

  def getHeader(name)
    pair = @headers.find { |k, _| k.casecmp?(name.to_s) }
    pair && pair[1]
  end

  def to_s
    "[currentCall #{@callerID} -> #{@calledID}]"
  end
end

class TropoApp
  attr_reader :id, :name, :baseDir

  def initialize(a)
    @id = a['id'] || 'tropo'
    @name = a['name'] || @id
    @baseDir = a['baseDir'] || ''
  end
end

class TropoEvent
  attr_accessor :value
  attr_reader :name, :attempt, :choice, :recordURI, :transcription

  def initialize(d)
    @name = d['name']
    @value = d['value']
    @attempt = d['attempt'] || 1
    @choice = OpenStruct.new(d['choice'] || {})
    @recordURI = d['recordURI']
    @transcription = d['transcription']
    @data = d['data'] || {}
  end

  def method_missing(key, *args)
    @data.key?(key.to_s) && args.empty? ? @data[key.to_s] : super
  end

  def respond_to_missing?(key, priv = false)
    @data.key?(key.to_s) || super
  end

  def onChoice(value, h = nil, &block)
    TropoBridge.call_handler(h || block, self) if @name == 'choice' && @value == value.to_s
    true
  end

  { onBadChoice: 'badChoice', onTimeout: 'timeout', onHangup: 'hangup', onError: 'error' }.each do |m, n|
    define_method(m) do |h = nil, &block|
      TropoBridge.call_handler(h || block, self) if @name == n
      true
    end
  end

  def to_s
    "[event #{@name} #{@value}]"
  end
end

# puts/print/p: each line becomes a log line, as on Tropo
class TropoLog
  def initialize
    @line = +''
  end

  def write(*parts)
    parts.each do |s|
      @line << s.to_s
      while (i = @line.index("\n"))
        TropoBridge.send_message('op' => 'print', 'text' => @line[0...i])
        @line = @line[(i + 1)..]
      end
    end
    parts.sum { |s| s.to_s.bytesize }
  end

  def flush
    self
  end

  def sync
    true
  end

  def sync=(_) end

  def close_line
    return if @line.empty?
    TropoBridge.send_message('op' => 'print', 'text' => @line)
    @line = +''
  end
end

%w[answer say ask prompt record transfer call conference message wait hangup reject redirect
   startCallRecording stopCallRecording].each do |name|
  Object.send(:define_method, name) { |*args| TropoBridge.verb(name, args) }
  Object.send(:private, name)
end
Object.send(:define_method, :log) { |*parts| TropoBridge.verb('log', [parts.map(&:to_s).join(' ')]) }
Object.send(:private, :log)

# Ruby 1.8 habits Tropo's JRuby allowed
class String
  alias each each_line unless method_defined?(:each)
end

class Hash
  alias index key unless method_defined?(:index)
end

# -- run ---------------------------------------------------------------------------------------
script = File.expand_path(ARGV[0])
start = TropoBridge.receive
(start['params'] || {}).each do |k, v|
  next unless k =~ /\A[A-Za-z_]\w*\z/
  TropoBridge.instance_variable_set(:@param, v)
  eval("$#{k} = TropoBridge.instance_variable_get(:@param)") # rubocop:disable Security/Eval
end
$currentCall = start['call'] ? TropoCall.new(start['call']) : nil
$currentApp = TropoApp.new(start['app'] || {})
$stdout = TropoLog.new

def tropo_where(e, script)
  if e.is_a?(SyntaxError) && (m = e.message.match(/#{Regexp.escape(script)}:(\d+)/))
    return "#{script}:#{m[1]}"
  end
  loc = (e.backtrace_locations || []).find { |l| l.absolute_path == script || l.path == script }
  return "#{script}:#{loc.lineno}" if loc
  line = (e.backtrace || []).find { |l| l.start_with?("#{script}:") }
  line ? line[/\A[^:]+:\d+/] : script
end

begin
  load script
  $stdout.close_line
rescue SystemExit
  raise
rescue Exception => e # rubocop:disable Lint/RescueException -- reported to telenb
  $stdout.close_line if $stdout.respond_to?(:close_line)
  trace = (e.backtrace || []).select { |l| l.start_with?("#{script}:") }.map { |l| "    at #{l}" }
  text = e.is_a?(TropoBridge::Error) ? e.message : "#{e.class}: #{e.message.sub(/\A#{Regexp.escape(script)}:\d+: /, '')}"
  TropoBridge.send_message('op' => 'error', 'message' => text, 'where' => tropo_where(e, script),
                           'trace' => trace.join("\n"))
  exit!(1)
end
TropoBridge.send_message('op' => 'exit')
exit!(0)
