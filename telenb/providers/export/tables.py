"""What each export format cannot express of a telenb flow, and what their exports do."""

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

TEXML = (
    ("per-attempt ask handlers", "the flow runs behind the backend; each attempt is a <Gather>"),
    ("speech grammars", "choices go as hints; the flow matches the text Telnyx returns"),
    ("minimum confidence", "the flow checks the Confidence Telnyx reports"),
    ("interdigit timeout", "<Gather> has one timeout for the first key and between keys"),
    ("which key ended input", "no FinishedOnKey in Telnyx's Gather callback: not known"),
    ("<Gather method>", "TeXML requests the action with the application's method (POST)"),
    ("actionOnEmptyResult", "not in TeXML's <Gather>: a <Redirect> to the step follows it"),
    ("barge-in off", "TeXML's <Gather> has no bargeIn: input stops the prompt"),
    ("voices by name", "Polly names map to Polly.*; others speak in the default voice"),
    ("say_as", "sent as plain text"),
    ("fractional waits", "<Pause> takes whole seconds"),
    ("transfer to a client", "no <Client> noun in TeXML: numbers and SIP URIs only"),
    ("conference exit key", "none; the caller leaves by hanging up"),
    ("X-Twilio-Signature", "the backend checks telnyx-signature-ed25519 instead"),
    ("log()", "stays on the backend's own server"),
    ("message()", "sent through the Messaging API, not with TeXML"),
)

LAML = (
    ("per-attempt ask handlers", "the flow runs behind the backend; each attempt is a <Gather>"),
    ("speech grammars", "choices go as hints; the flow matches the text SignalWire returns"),
    ("minimum confidence", "the flow checks the Confidence SignalWire reports"),
    ("interdigit timeout", "<Gather> has one timeout for the first key and between keys"),
    ("voices by name", "Polly names map to Polly.*; others speak in the default voice"),
    ("say_as", "sent as plain text"),
    ("fractional waits", "<Pause> takes whole seconds"),
    ("transfer to a client", "no <Client> noun: browsers are reached with <Verto>"),
    ("conference exit key", "none; the caller leaves by hanging up"),
    ("log()", "stays on the backend's own server"),
    ("message()", "sent through the Messages REST API, not with cXML"),
)

PLIVO = (
    ("per-attempt ask handlers", "each attempt is its own <GetInput>; the app runs handlers"),
    ("speech grammars", "choices go as hints; the flow matches the text Plivo returns"),
    ("minimum confidence", "the flow compares the SpeechConfidenceScore Plivo reports"),
    ("barge-in off", "<GetInput> always listens while its prompt plays"),
    ("interdigit timeout", "digitEndTimeout is one timeout for the first key and between keys"),
    ("no input, nothing recorded", "Plivo runs the next verb: a <Redirect> to the same step"),
    ("voices by name", "WOMAN, MAN and Polly.* only; others speak in the default voice"),
    ("say_as", "spoken as plain text"),
    ("fractional waits", "<Wait length> takes whole seconds"),
    ("record's start timeout", "<Record timeout> is the silence that ends it"),
    ("transfer to several numbers in turn", "<Dial> rings its <Number>s at once"),
    ("conference exit key, tones, prompts", "not written; dropped"),
    ("start/stop_recording()", "the Record API's job, not Plivo XML: not exported"),
    ("log()", "stays on the app's own server"),
    ("message()", "sent through the Message API (SMS), not Plivo XML"),
)

JAMBONZ = (
    ("per-attempt ask handlers", "each attempt is its own gather; the app runs the handlers"),
    ("speech grammars", "choices go as recognizer.hints; the flow matches the text"),
    ("minimum confidence", "the flow compares the confidence jambonz reports"),
    ("record()", "no record verb: a speech gather, the flow gets a transcript, no audio"),
    ("voices by name", "synthesizer.voice is the TTS vendor's name, passed as it is"),
    ("say_as", "spoken as plain text"),
    ("transfer to several numbers in turn", "dial rings its targets at once"),
    ("conference exit key, tones, prompts", "the conference verb has none; dropped"),
    ("reject()", "sip:decline (486 busy, 603 otherwise)"),
    ("start/stop_recording()", "SIPREC (config.record) is not written: not exported"),
    ("log()", "stays on the app's own server"),
    ("message()", "sent through jambonz's REST API (SMS), not a call verb"),
)
