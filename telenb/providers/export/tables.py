"""What TwiML and Tropo WebAPI cannot express of a telenb flow, and what their exports do."""

TWIML = (
    ("per-attempt ask handlers", "the flow runs behind the backend; each attempt is a <Gather>"),
    ("speech grammars", "choices go as hints; the flow matches Twilio's free text"),
    ("minimum confidence", "the flow checks the Confidence Twilio reports"),
    ("interdigit timeout", "<Gather> has one timeout for the first key and between keys"),
    ("voices by name", "Polly names map to Polly.*; others speak in the default voice"),
    ("say_as", "sent as plain text"),
    ("fractional waits", "<Pause> takes whole seconds"),
    ("conference exit key", "none; the caller leaves by hanging up"),
    ("log()", "stays on the backend's own server"),
    ("message()", "sent through the Messages REST API"),
)

TROPO_WEBAPI = (
    ("per-attempt ask handlers", "each attempt is its own WebAPI ask; the app runs handlers"),
    ("log()", "no WebAPI verb: the app logs on its own server"),
    ("say(loop=N)", "the say is repeated N times"),
    ("record(path=...)", "WebAPI uploads to a url"),
    ("transfer(record=True)", "no field; use startRecording"),
    ("message(media=...)", "no field: the text is sent alone"),
    ("reject(reason='busy')", "a plain reject"),
    ("call() (outbound)", "not exported: a session API job"),
)
