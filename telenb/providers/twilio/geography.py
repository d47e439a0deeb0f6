"""FromCity/FromState/FromZip/FromCountry (and To*, Caller*, Called*) as Twilio sends them,
derived from the number: the country from its code, the city and state or province of a
US/CA number from its area code (phonenumbers' geocoder).  Twilio fills city and state
for North American numbers only; elsewhere they are empty, as is the zip, which an area
code does not determine."""

from __future__ import annotations

from functools import lru_cache

# the geocoder names a region in full when it knows no city: its postal abbreviation
_REGIONS = (
    "Alabama:AL Alaska:AK Arizona:AZ Arkansas:AR California:CA Colorado:CO "
    "Connecticut:CT Delaware:DE Florida:FL Georgia:GA Hawaii:HI Idaho:ID Illinois:IL "
    "Indiana:IN Iowa:IA Kansas:KS Kentucky:KY Louisiana:LA Maine:ME Maryland:MD "
    "Massachusetts:MA Michigan:MI Minnesota:MN Mississippi:MS Missouri:MO Montana:MT "
    "Nebraska:NE Nevada:NV New_Hampshire:NH New_Jersey:NJ New_Mexico:NM New_York:NY "
    "North_Carolina:NC North_Dakota:ND Ohio:OH Oklahoma:OK Oregon:OR Pennsylvania:PA "
    "Rhode_Island:RI South_Carolina:SC South_Dakota:SD Tennessee:TN Texas:TX Utah:UT "
    "Vermont:VT Virginia:VA Washington:WA West_Virginia:WV Wisconsin:WI Wyoming:WY "
    "Washington_D.C.:DC Puerto_Rico:PR Alberta:AB British_Columbia:BC Manitoba:MB "
    "New_Brunswick:NB Newfoundland_and_Labrador:NL Nova_Scotia:NS Ontario:ON "
    "Prince_Edward_Island:PE Quebec:QC Saskatchewan:SK Yukon:YT "
    "Northwest_Territories:NT Nunavut:NU"
)
REGIONS = {name.replace("_", " "): code for name, code in (w.split(":") for w in _REGIONS.split())}


@lru_cache(maxsize=4096)
def locate(number: str) -> tuple[str, str, str, str]:
    """(city, state, zip, country) for an E.164 number; empty strings where unknown."""
    if not number.startswith("+"):
        return "", "", "", ""
    try:
        import phonenumbers
        from phonenumbers import geocoder

        parsed = phonenumbers.parse(number)
        country = phonenumbers.region_code_for_number(parsed) or (
            phonenumbers.region_code_for_country_code(parsed.country_code or 0)
        )  # fictional numbers (555-01xx) have no region of their own: the country's main one
        country = "" if country == "ZZ" else country
        place = geocoder.description_for_number(parsed, "en") if country in ("US", "CA") else ""
    except Exception:
        return "", "", "", ""
    city, state = "", ""
    if ", " in place:
        city, state = place.rsplit(", ", 1)
    elif place:
        state = REGIONS.get(place, "")
    return city.upper(), state, "", country


def geo_params(prefix: str, number: str) -> list[tuple[str, str]]:
    city, state, zip_, country = locate(number)
    return [
        (f"{prefix}City", city),
        (f"{prefix}Country", country),
        (f"{prefix}State", state),
        (f"{prefix}Zip", zip_),
    ]
