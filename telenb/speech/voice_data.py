"""Reference data for the voice registry: vendor voice names and local language voices.

Tropo names come from the Tropo WebAPI SDKs' voice enums (Nuance Vocalizer personas;
"legacy" ones are the older Loquendo voices Tropo kept accepting; "docs" ones are in Tropo's
scripting documentation's voice list but not in the SDK enums).  Polly names are the
Amazon Polly voices Twilio exposes as ``Polly.NAME``.  Each entry: language (BCP-47) and
gender ("f"/"m").
"""

# ruff: noqa: E501  (data tables read best one persona group per line)
from __future__ import annotations

# name: (language, gender, source)
TROPO: dict[str, tuple[str, str, str]] = {
    # English (US)
    "allison": ("en-US", "f", "sdk"), "ava": ("en-US", "f", "sdk"),
    "samantha": ("en-US", "f", "sdk"), "susan": ("en-US", "f", "legacy"),
    "vanessa": ("en-US", "f", "legacy"), "veronica": ("en-US", "f", "legacy"),
    "evelyn": ("en-US", "f", "docs"), "zoe": ("en-US", "f", "docs"),
    "tom": ("en-US", "m", "sdk"), "victor": ("en-US", "m", "sdk"), "dave": ("en-US", "m", "legacy"),
    # English (other)
    "daniel": ("en-GB", "m", "sdk"), "kate": ("en-GB", "f", "sdk"), "serena": ("en-GB", "f", "sdk"),
    "oliver": ("en-GB", "m", "sdk"), "simon": ("en-GB", "m", "legacy"),
    "fiona": ("en-GB-scotland", "f", "sdk"), "karen": ("en-AU", "f", "sdk"),
    "lee": ("en-AU", "m", "sdk"), "moira": ("en-IE", "f", "sdk"), "tessa": ("en-ZA", "f", "sdk"),
    "veena": ("en-IN", "f", "sdk"),
    # Spanish
    "carmen": ("es-ES", "f", "legacy"), "jorge": ("es-ES", "m", "sdk"), "monica": ("es-ES", "f", "sdk"),
    "diego": ("es-AR", "m", "sdk"), "soledad": ("es-CO", "f", "sdk"), "carlos": ("es-CO", "m", "sdk"),
    "angelica": ("es-MX", "f", "sdk"), "paulina": ("es-MX", "f", "sdk"), "juan": ("es-MX", "m", "sdk"),
    # Catalan, Basque, Galician
    "montserrat": ("ca-ES", "f", "sdk"), "jordi": ("ca-ES", "m", "sdk"),
    "empar": ("ca-ES-valencia", "f", "sdk"), "miren": ("eu-ES", "f", "sdk"),
    "carmela": ("gl-ES", "f", "sdk"),
    # French
    "florence": ("fr-FR", "f", "legacy"), "bernard": ("fr-FR", "m", "legacy"),
    "audrey": ("fr-FR", "f", "sdk"), "aurelie": ("fr-FR", "f", "sdk"), "thomas": ("fr-FR", "m", "sdk"),
    "amelie": ("fr-CA", "f", "sdk"), "chantal": ("fr-CA", "f", "sdk"), "nicolas": ("fr-CA", "m", "sdk"),
    # German
    "katrin": ("de-DE", "f", "legacy"), "stefan": ("de-DE", "m", "legacy"),
    "anna": ("de-DE", "f", "sdk"), "petra": ("de-DE", "f", "sdk"),
    "markus": ("de-DE", "m", "sdk"), "yannick": ("de-DE", "m", "sdk"),
    # Italian
    "paola": ("it-IT", "f", "sdk"), "luca": ("it-IT", "m", "sdk"),
    "alice": ("it-IT", "f", "sdk"), "federica": ("it-IT", "f", "sdk"),
    # Dutch
    "saskia": ("nl-NL", "f", "legacy"), "willem": ("nl-NL", "m", "legacy"),
    "claire": ("nl-NL", "f", "sdk"), "xander": ("nl-NL", "m", "sdk"), "ellen": ("nl-BE", "f", "sdk"),
    # Nordic
    "sara": ("da-DK", "f", "sdk"), "magnus": ("da-DK", "m", "sdk"),
    "nora": ("nb-NO", "f", "sdk"), "henrik": ("nb-NO", "m", "sdk"),
    "alva": ("sv-SE", "f", "sdk"), "klara": ("sv-SE", "f", "sdk"), "oskar": ("sv-SE", "m", "sdk"),
    "satu": ("fi-FI", "f", "sdk"), "onni": ("fi-FI", "m", "sdk"), "mikko": ("fi-FI", "m", "legacy"),
    # Portuguese
    "catarina": ("pt-PT", "f", "sdk"), "joana": ("pt-PT", "f", "sdk"), "joaquim": ("pt-PT", "m", "sdk"),
    "luciana": ("pt-BR", "f", "sdk"), "felipe": ("pt-BR", "m", "sdk"),
    # Slavic
    "zosia": ("pl-PL", "f", "sdk"), "ewa": ("pl-PL", "f", "sdk"), "krzysztof": ("pl-PL", "m", "sdk"),
    "iveta": ("cs-CZ", "f", "sdk"), "zuzana": ("cs-CZ", "f", "sdk"), "laura": ("sk-SK", "f", "sdk"),
    "katya": ("ru-RU", "f", "sdk"), "milena": ("ru-RU", "f", "sdk"), "yuri": ("ru-RU", "m", "sdk"),
    "daria": ("bg-BG", "f", "sdk"),
    # Greek, Hungarian, Turkish, Finnish handled above
    "melina": ("el-GR", "f", "sdk"), "nikos": ("el-GR", "m", "sdk"),
    "katerina": ("el-GR", "f", "legacy"), "sofia": ("el-GR", "f", "legacy"),
    "mariska": ("hu-HU", "f", "sdk"), "yelda": ("tr-TR", "f", "sdk"), "cem": ("tr-TR", "m", "sdk"),
    # Middle East, South and South-East Asia
    "laila": ("ar-SA", "f", "sdk"), "maged": ("ar-SA", "m", "sdk"), "tarik": ("ar-SA", "m", "sdk"),
    "carmit": ("he-IL", "f", "sdk"), "lekha": ("hi-IN", "f", "sdk"),
    "damayanti": ("id-ID", "f", "sdk"), "kanya": ("th-TH", "f", "sdk"),
    # East Asia
    "kyoko": ("ja-JP", "f", "sdk"), "otoya": ("ja-JP", "m", "sdk"),
    "sora": ("ko-KR", "f", "sdk"), "yuna": ("ko-KR", "f", "legacy"),
    "tian-tian": ("zh-CN", "f", "sdk"), "ting-ting": ("zh-CN", "f", "legacy"),
    "sin-ji": ("zh-HK", "f", "sdk"), "mei-jia": ("zh-TW", "f", "sdk"),
}  # fmt: skip

POLLY: dict[str, tuple[str, str]] = {
    "ivy": ("en-US", "f"), "joanna": ("en-US", "f"), "kendra": ("en-US", "f"),
    "kimberly": ("en-US", "f"), "salli": ("en-US", "f"), "ruth": ("en-US", "f"),
    "danielle": ("en-US", "f"), "joey": ("en-US", "m"), "justin": ("en-US", "m"),
    "kevin": ("en-US", "m"), "matthew": ("en-US", "m"), "stephen": ("en-US", "m"),
    "gregory": ("en-US", "m"), "patrick": ("en-US", "m"),
    "amy": ("en-GB", "f"), "emma": ("en-GB", "f"), "brian": ("en-GB", "m"), "arthur": ("en-GB", "m"),
    "nicole": ("en-AU", "f"), "olivia": ("en-AU", "f"), "russell": ("en-AU", "m"),
    "aditi": ("en-IN", "f"), "raveena": ("en-IN", "f"), "kajal": ("en-IN", "f"),
    "niamh": ("en-IE", "f"), "aria": ("en-NZ", "f"), "ayanda": ("en-ZA", "f"),
    "jasmine": ("en-SG", "f"), "jitka": ("cs-CZ", "f"),
    "geraint": ("en-GB-WLS", "m"), "gwyneth": ("cy-GB", "f"),
    "celine": ("fr-FR", "f"), "lea": ("fr-FR", "f"), "mathieu": ("fr-FR", "m"), "remi": ("fr-FR", "m"),
    "chantal": ("fr-CA", "f"), "gabrielle": ("fr-CA", "f"), "liam": ("fr-CA", "m"),
    "isabelle": ("fr-BE", "f"),
    "marlene": ("de-DE", "f"), "vicki": ("de-DE", "f"), "hans": ("de-DE", "m"),
    "daniel": ("de-DE", "m"), "hannah": ("de-AT", "f"), "sabrina": ("de-CH", "f"),
    "conchita": ("es-ES", "f"), "lucia": ("es-ES", "f"), "enrique": ("es-ES", "m"),
    "sergio": ("es-ES", "m"), "mia": ("es-MX", "f"), "andres": ("es-MX", "m"),
    "penelope": ("es-US", "f"), "lupe": ("es-US", "f"), "miguel": ("es-US", "m"), "pedro": ("es-US", "m"),
    "carla": ("it-IT", "f"), "bianca": ("it-IT", "f"), "giorgio": ("it-IT", "m"), "adriano": ("it-IT", "m"),
    "mizuki": ("ja-JP", "f"), "takumi": ("ja-JP", "m"), "kazuha": ("ja-JP", "f"), "tomoko": ("ja-JP", "f"),
    "seoyeon": ("ko-KR", "f"), "zhiyu": ("zh-CN", "f"), "hiujin": ("zh-HK", "f"),
    "zeina": ("ar-SA", "f"), "hala": ("ar-AE", "f"), "zayd": ("ar-AE", "m"),
    "lotte": ("nl-NL", "f"), "ruben": ("nl-NL", "m"), "laura": ("nl-NL", "f"), "lisa": ("nl-BE", "f"),
    "liv": ("nb-NO", "f"), "ida": ("nb-NO", "f"), "naja": ("da-DK", "f"), "mads": ("da-DK", "m"),
    "sofie": ("da-DK", "f"), "astrid": ("sv-SE", "f"), "elin": ("sv-SE", "f"), "suvi": ("fi-FI", "f"),
    "ewa": ("pl-PL", "f"), "maja": ("pl-PL", "f"), "ola": ("pl-PL", "f"),
    "jacek": ("pl-PL", "m"), "jan": ("pl-PL", "m"),
    "camila": ("pt-BR", "f"), "vitoria": ("pt-BR", "f"), "ricardo": ("pt-BR", "m"),
    "thiago": ("pt-BR", "m"), "ines": ("pt-PT", "f"), "cristiano": ("pt-PT", "m"),
    "carmen": ("ro-RO", "f"), "tatyana": ("ru-RU", "f"), "maxim": ("ru-RU", "m"),
    "filiz": ("tr-TR", "f"), "burcu": ("tr-TR", "f"), "dora": ("is-IS", "f"), "karl": ("is-IS", "m"),
    "arlet": ("ca-ES", "f"),
}  # fmt: skip

# Twilio's basic voices and the languages they cover (man/woman: 5 languages; alice: many)
TWILIO_BASIC: dict[str, str] = {"man": "m", "woman": "f", "alice": "f"}

# Google voices Twilio lists as examples (the registry accepts any Google.LANG-TYPE-X name)
GOOGLE_EXAMPLES = [
    "Google.en-US-Standard-A", "Google.en-US-Standard-C", "Google.en-US-Standard-D",
    "Google.en-US-Standard-E", "Google.en-US-Wavenet-F", "Google.en-US-Neural2-J",
    "Google.en-GB-Standard-A", "Google.en-GB-Standard-B", "Google.en-AU-Standard-A",
    "Google.en-IN-Standard-A", "Google.es-ES-Standard-A", "Google.es-US-Standard-B",
    "Google.fr-FR-Standard-A", "Google.fr-CA-Standard-B", "Google.de-DE-Standard-A",
    "Google.de-DE-Standard-B", "Google.it-IT-Standard-A", "Google.ja-JP-Standard-A",
    "Google.ko-KR-Standard-A", "Google.cmn-CN-Standard-A", "Google.pt-BR-Standard-A",
    "Google.nl-NL-Standard-A", "Google.ru-RU-Standard-A", "Google.hi-IN-Standard-A",
    "Google.en-US-Chirp3-HD-Aoede", "Google.en-US-Chirp3-HD-Charon", "Google.en-GB-Chirp3-HD-Kore",
    "Google.fr-FR-Chirp3-HD-Puck", "Google.de-DE-Chirp3-HD-Leda", "Google.en-US-Chirp-HD-F",
]  # fmt: skip

# Known genders of Google voice letters (en-US Standard/Wavenet/Neural2 and a few others);
# anything else resolves with gender unknown and says so.
GOOGLE_GENDER: dict[str, str] = {
    "en-US-A": "m", "en-US-B": "m", "en-US-C": "f", "en-US-D": "m", "en-US-E": "f",
    "en-US-F": "f", "en-US-G": "f", "en-US-H": "f", "en-US-I": "m", "en-US-J": "m",
    "en-GB-A": "f", "en-GB-B": "m", "en-GB-C": "f", "en-GB-D": "m", "en-GB-F": "f",
    "en-AU-A": "f", "en-AU-B": "m", "en-AU-C": "f", "en-AU-D": "m",
    "en-IN-A": "f", "en-IN-B": "m", "en-IN-C": "m", "en-IN-D": "f",
    "de-DE-A": "f", "de-DE-B": "m", "fr-FR-A": "f", "fr-FR-B": "m",
    "es-ES-A": "f", "es-ES-B": "m", "es-US-A": "f", "es-US-B": "m",
    "fr-CA-A": "f", "fr-CA-B": "m", "it-IT-A": "f", "ja-JP-A": "f", "ko-KR-A": "f",
    "cmn-CN-A": "f", "pt-BR-A": "f", "nl-NL-A": "f", "ru-RU-A": "f", "hi-IN-A": "f",
}  # fmt: skip

# Google's Chirp 3 HD voices (LOCALE-Chirp3-HD-NAME, one name in every language) by gender
CHIRP3_HD_GENDER: dict[str, str] = {
    **dict.fromkeys(("achernar", "aoede", "autonoe", "callirrhoe", "despina", "erinome",
                     "gacrux", "kore", "laomedeia", "leda", "pulcherrima", "sulafat",
                     "vindemiatrix", "zephyr"), "f"),
    **dict.fromkeys(("achird", "algenib", "algieba", "alnilam", "charon", "enceladus", "fenrir",
                     "iapetus", "orus", "puck", "rasalgethi", "sadachbia", "sadaltager",
                     "schedar", "umbriel", "zubenelgenubi"), "m"),
}  # fmt: skip

# BCP-47 language -> (espeak-ng voice, exact?, note when not exact)
ESPEAK_LANG: dict[str, tuple[str, bool, str]] = {
    "en-US": ("en-us", True, ""),
    "en-GB": ("en", True, ""),
    "en-GB-scotland": ("en-gb-scotland", True, ""),
    "en-AU": ("en", False, "espeak-ng has no Australian English; British English is used"),
    "en-NZ": ("en", False, "espeak-ng has no New Zealand English; British English is used"),
    "en-IE": ("en", False, "espeak-ng has no Irish English; British English is used"),
    "en-ZA": ("en", False, "espeak-ng has no South African English; British English is used"),
    "en-SG": ("en", False, "espeak-ng has no Singaporean English; British English is used"),
    "en-IN": ("en", False, "espeak-ng has no Indian English; British English is used"),
    "en-GB-WLS": ("en-gb-x-gbcwmd", False, "Welsh English approximated by West Midlands English"),
    "es-ES": ("es", True, ""),
    "es-MX": ("es-419", False, "Mexican Spanish approximated by Latin American Spanish (es-419)"),
    "es-AR": ("es-419", False, "Argentinian Spanish approximated by Latin American Spanish"),
    "es-CO": ("es-419", False, "Colombian Spanish approximated by Latin American Spanish"),
    "es-US": ("es-419", False, "US Spanish approximated by Latin American Spanish (es-419)"),
    "ca-ES": ("ca", True, ""),
    "ca-ES-valencia": ("ca-va", True, ""),
    "eu-ES": ("eu", True, ""),
    "gl-ES": ("pt", False, "espeak-ng has no Galician; Portuguese (the closest) is used"),
    "fr-FR": ("fr", True, ""),
    "fr-CA": ("fr", False, "espeak-ng has no Canadian French; French (France) is used"),
    "fr-BE": ("fr-be", True, ""),
    "de-DE": ("de", True, ""),
    "de-AT": ("de", False, "espeak-ng has no Austrian German; German (Germany) is used"),
    "de-CH": ("de", False, "espeak-ng has no Swiss German; German (Germany) is used"),
    "it-IT": ("it", True, ""),
    "nl-NL": ("nl", True, ""),
    "nl-BE": ("nl", False, "espeak-ng has no Flemish; Dutch (Netherlands) is used"),
    "da-DK": ("da", True, ""),
    "nb-NO": ("nb", True, ""),
    "sv-SE": ("sv", True, ""),
    "fi-FI": ("fi", True, ""),
    "is-IS": ("is", True, ""),
    "pt-PT": ("pt", True, ""),
    "pt-BR": ("pt-br", True, ""),
    "pl-PL": ("pl", True, ""),
    "cs-CZ": ("cs", True, ""),
    "sk-SK": ("sk", True, ""),
    "ru-RU": ("ru", True, ""),
    "bg-BG": ("bg", True, ""),
    "ro-RO": ("ro", True, ""),
    "el-GR": ("el", True, ""),
    "hu-HU": ("hu", True, ""),
    "tr-TR": ("tr", True, ""),
    "ar-SA": ("ar", True, ""),
    "ar-AE": ("ar", True, ""),
    "he-IL": ("he", True, ""),
    "hi-IN": ("hi", True, ""),
    "id-ID": ("id", True, ""),
    "th-TH": ("th", True, ""),
    "ja-JP": ("ja", True, ""),
    "ko-KR": ("ko", True, ""),
    "zh-CN": ("cmn", True, ""),
    "zh-TW": ("cmn", False, "Taiwanese Mandarin approximated by Mainland Mandarin"),
    "zh-HK": ("yue", True, ""),
    "cy-GB": ("cy", True, ""),
    "uk-UA": ("uk", True, ""),
    "vi-VN": ("vi", True, ""),
}

# Short language names for tables and for `language=` hints like "en", "french"
LANGUAGE_DEFAULT_REGION = {
    "en": "en-US", "es": "es-ES", "fr": "fr-FR", "de": "de-DE", "it": "it-IT", "nl": "nl-NL",
    "pt": "pt-BR", "ja": "ja-JP", "ko": "ko-KR", "zh": "zh-CN", "cmn": "zh-CN", "yue": "zh-HK",
    "ru": "ru-RU", "pl": "pl-PL", "sv": "sv-SE", "da": "da-DK", "nb": "nb-NO", "no": "nb-NO",
    "fi": "fi-FI", "ar": "ar-SA", "arb": "ar-SA", "he": "he-IL", "hi": "hi-IN", "tr": "tr-TR",
    "el": "el-GR", "hu": "hu-HU", "cs": "cs-CZ", "sk": "sk-SK", "ca": "ca-ES", "eu": "eu-ES",
    "gl": "gl-ES", "id": "id-ID", "th": "th-TH", "bg": "bg-BG", "ro": "ro-RO", "is": "is-IS",
    "cy": "cy-GB", "uk": "uk-UA", "vi": "vi-VN",
}  # fmt: skip

# espeak-ng voice variants by gender (variety between personas of one language)
FEMALE_VARIANTS = ("f3", "f2", "f4", "f1", "f5")
MALE_VARIANTS = ("m3", "m1", "m2", "m4", "m5", "m6", "m7")

# Personas that would otherwise share an espeak-ng voice with another of the same language
# and gender: their own variant, pitch and speed factors (the first of each group keeps
# the plain voice, so prompts already heard do not change).
PERSONA: dict[str, tuple[str, float, float]] = {
    "serena": ("f5", 0.85, 0.94),  # vs Kate (f1)
    # vs Ava (f2); at pitch 1.45 Whisper heard 72 % of her words through G.711, now 83 %
    "samantha": ("f4", 1.3, 1.0),
    "victor": ("m1", 0.8, 0.92),  # vs Tom (m3)
    "moira": ("f2", 1.2, 0.96),  # vs Veena (f4)
    "tessa": ("f5", 0.9, 1.08),  # vs Veena and Moira
    # the other personas a variant drawn from the name's hash would give another's voice
    "evelyn": ("f1", 1.0, 1.0),  # vs Ava (f2): en-us+f1 is otherwise unused
    # en-US has eight female personas and five f variants: espeak-ng's named female variants
    # "steph" and "Andrea" (measured distinct, and heard through G.711 as well as the others)
    "veronica": ("steph", 1.0, 1.0),
    "zoe": ("Andrea", 1.0, 1.0),
    "yannick": ("m1", 1.0, 1.0),  # vs Stefan (m7)
    "paola": ("f2", 1.0, 1.0),  # vs Tropo's Alice (f3; Twilio's alice shares its key)
    "claire": ("f4", 1.0, 1.0),  # vs Saskia (f2)
    "ewa": ("f3", 1.0, 1.0),  # vs Zosia (f1)
    "zuzana": ("f4", 1.0, 1.0),  # vs Iveta (f1)
    "sofia": ("f1", 1.0, 1.0),  # vs Melina (f2)
    "tarik": ("m2", 1.0, 1.0),  # vs Maged (m4)
}

# Greeting for `preview`, by language
GREETING = {
    "en": "Hello, my name is {name}. Which colour would you like: black, red, blue or green?",
    "es": "Hola, me llamo {name}. ¿Qué color prefiere?", "fr": "Bonjour, je m'appelle {name}.",
    "de": "Hallo, ich heiße {name}.", "it": "Ciao, mi chiamo {name}.",
    "nl": "Hallo, mijn naam is {name}.", "pt": "Olá, o meu nome é {name}.",
    "ca": "Hola, em dic {name}.", "sv": "Hej, jag heter {name}.", "da": "Hej, jeg hedder {name}.",
    "nb": "Hei, jeg heter {name}.", "fi": "Hei, nimeni on {name}.", "pl": "Cześć, mam na imię {name}.",
    "ru": "Здравствуйте, меня зовут {name}.", "ko": "안녕하세요, 제 이름은 {name}입니다.",
    "ja": "こんにちは、{name}です。", "zh": "你好，我是{name}。", "tr": "Merhaba, benim adım {name}.",
}  # fmt: skip
