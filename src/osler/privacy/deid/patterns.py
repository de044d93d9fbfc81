"""Pattern detectors: identifiers with a recognisable shape (dates, phones, e-mail, ids ...).

Each pattern is a compiled regex and the PHI type it yields. Named group ``phi``, when present,
is the part reported (the rest is context, e.g. ``Pager #``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from osler.privacy.deid.ages import over_89_birth_year
# between the ends of a range of days ("3rd to 9th", "3-5"): the words dates.py shifts by
from osler.privacy.deid.dates import _TO as _RANGE_TO
from osler.privacy.deid.spans import PhiSpan
from osler.privacy.deid.vocab import MONTH_PATTERN

__all__ = ["MONTHS", "PATTERNS", "find_patterns"]

MONTHS = MONTH_PATTERN   # every month word as a regex alternation
_M = r"(?:1[0-2]|0?[1-9])"
_D = r"(?:3[01]|[12]\d|0?[1-9])"
_Y = r"(?:19\d\d|20\d\d|\d\d)"
_MON = rf"(?:{MONTHS})\b\.?"
# A month after a day ("3 May", "4th of March"): the month words that are ordinary words
# ("may", "march", "mar", "dec" for decrease) only capitalised or before a year ("NTG 1 to 2
# may be given" and "Pain 3-4 may need PRN" are doses; "seen 3 may 2021" is a date)
_WORD_MONTHS = "may|march|mar|dec"
_MON_AFTER_DAY = (rf"(?:(?!(?i:{_WORD_MONTHS})\b)(?:{MONTHS})\b\.?"
                  r"|(?-i:May|MAY|March|MARCH|Mar|MAR|Dec|DEC)\b\.?"
                  rf"|(?:{_WORD_MONTHS})\b\.?(?=\s*,?\s*(?:19|20)\d\d\b))")
# and before a day ("He may 2 more doses", "wbc dec 2 points"; "seen may 3, 2021" is a date)
_MON_BEFORE_DAY = (rf"(?:(?!(?i:{_WORD_MONTHS})\b)(?:{MONTHS})\b\.?"
                   r"|(?-i:May|MAY|March|MARCH|Mar|MAR|Dec|DEC)\b\.?"
                   rf"|(?:{_WORD_MONTHS})\b\.?(?=\s+\d\d?(?:st|nd|rd|th)?\s*,?\s*(?:19|20)\d\d\b))")
_ORD = r"(?:st|nd|rd|th)?"
_ORDINAL_WORDS = (r"(?:(?:twenty|thirty)[- ]?)?(?:first|second|third|fourth|fifth|sixth|seventh|"
                  r"eighth|ninth)|tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|"
                  r"sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth")
_ORDINAL_WORDS = rf"(?:{_ORDINAL_WORDS})"
# Words after which a bare 2-4 digit number is a year (clinical history style: "s/p MI 1992").
_YEAR_CONTEXT = (r"in|since|of|s/p|sp|hx|dx|mi|cabg|cva|chole|surgery|year|yr|until|from|"
                 r"to|stopped\s+\w+|quit\s+\w+|diagnosed|born|repair|placed|removed|fall|"
                 r"-|through|thru|and|ago|class|circa|c\.|is|its|it's|year|avr|semi|uti|spring|summer|fall|"
                 r"winter|autumn|since|after|before|during|until|back in")

# m/d that is a ratio or a strength, not a date: "strength 5/5", "1/2 NS", "grade 2/6 murmur".
_NOT_DATE_BEFORE = re.compile(r"(?:strength|str|motor|grip|grade|murmur|sem|ratio|i:e|ie|x|cpap|"
                              r"\b(?:pain|cp|c/o|scale|ci|co|lt|rt|left|right|about|approx)|~|"
                              r"psv?|peep|ventilation|ac|simv|bipap|crackles|(?<!\S)\d|/|"
                              # clotting times ("PT/PTT 14/32")
                              r"\bptt|"
                              r"pupils?|perrla?|perl|gcs|pulses?|i/e|level|rated?|rates|\+|"
                              # pressures and ventilator settings ("PA 32/15", "60% 15/10",
                              # "pressure support 15/5")
                              r"%|\b(?:pa|pap|pas|cvp|imv|bp|nbp|abp|support|settings?)|"
                              # ventilator settings: "CPAP of 12/5", "pressure support at 10/5"
                              r"(?:cpap|psv?|peep|ips|bipap|simv|support)\s+(?:of|at|on|to))"
                              r"\s*-?\s*$", re.I)
_NOT_DATE_AFTER = re.compile(r"\s*(?:ns\b|strength|str\b|murmur|sem\b|motor|mg|ml|cc\b|tab|amp|l\b|lpm|"
                   r"liters?|bilat|b/l|ue|le\b|x\b|times|pushes|peep|ps\b|hours|hrs|up\b|-\s*\d|"
                             r"cpap|ventilation|pain|scale|of\b|-\s*\.\d|way\b|"
                             # "5/5 IPS", "1/2 dose of", "1/2 NPH", "1/4 blood cultures (+)"
                             r"ips\b|psv\b|doses?\b|nph\b|blood cultures?|bottles?\b)", re.I)
# A strength or a share of the body after the fraction ("1/4 ST BETADINE", "4/4 extremities",
# "2/3 rales"), unless a date cue comes first ("on 1/4 ST elevations", "seen 2/3 crackles")
_SHARE_AFTER = re.compile(r"\s*(?:st\b(?!\.|\s*(?:elev|depr|chang|seg|wave|abn|t\b|-t\b))|"
                          r"extremities\b|extrems?\b|rales\b|crackles\b|lobes\b|"
                          r"lung fields\b|quadrants\b)", re.I)
# A pain score next to the word pain ("pain at 7/10", "6/10 incisional pain", not "3/10 had pain").
_PAIN_BEFORE = re.compile(r"(?:pain|discomfort)\b[^.;\n]{0,10}$", re.I)
_PAIN_AFTER = re.compile(r"\s+(?:(?!(?:had|has|have|no|and|with|denies|without|for)\b)[a-z]+\s+)?"
                         r"(?:pain|discomfort)\b", re.I)
# Shift times written as a range ("1930-2000", "0700-1900"): never years.
_TIME_RANGE = re.compile(r"(?<![\d/.-])(?:[01]\d|2[0-3])(?:00|15|30|45)\s*-\s*"
                         r"(?:[01]\d|2[0-3])(?:00|15|30|45)(?![\d/.-])")
_NOT_YEAR_BEFORE = re.compile(r"(?:\b(?:svri?|pvri?|total|i/o|out|intake|output|u/?o|ivf|"
                              r"plt|plts|wbc|vt|tv|ve|bs|fs|glucose|weight|wt)\b|[=:+~])\s*$", re.I)
_RATIO = re.compile(r"\d{1,2}/\d{1,2}")
# three slashed numbers day first, as ventilator settings are written too ("AC 14/5/40")
_DAY_FIRST_TRIPLE = re.compile(r"(?:1[3-9]|2\d|3[01])/\d{1,2}/\d\d")
_VENT_BEFORE = re.compile(r"\b(?:vent|settings?|rr|fio2|tv|ps)\s*:?\s*$", re.I)
# Scores and counts written as fractions: "Apgars 8/9", "Apgar scores of 8/9", "GCS 3/15",
# "power 4/5", "sets 2/2"; "2/2 sets of blood cultures", "1/4 bottles", "4/5 power". Not after
# "cultures" ("blood cultures 3/5 pending" may be the day they were drawn), and "seen 8/9" and
# "on 2/2" stay dates.
_SCORE_BEFORE = re.compile(r"\b(?:apgars?(?:\s+scores?)?|gcs|power|sets|bottles)"
                           r"(?:\s+(?:of|were|was|at))?\s*[:=]?\s*$", re.I)
_COUNT_AFTER = re.compile(r"\s*(?:sets?|bottles?|cultures?|power)\b", re.I)
# A date cue before the fraction: "On 3/5 cultures grew GPC" is a date, whatever follows.
_DATE_CUE_BEFORE = re.compile(r"\b(?:on|seen|drawn|sent|since|from|until|dated|of|by|since|"
                              r"collected|obtained|admitted|started|through|thru|to)\s*$", re.I)
# A month's name capitalised or in capitals ("Mar", "MARCH")
_MON_CAPS = "(?:" + "|".join(f"{m.capitalize()}|{m.upper()}" for m in MONTHS.split("|")) + ")"
# YYYYMMDD with a real month and day of this century or the last
_COMPACT_DATE = r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
# a date's label or cue before a compact date ("Date of service: ", "DOS ", "on ")
_COMPACT_CONTEXT = (r"\b(?:date|dated|on|dos|dob|d\.o\.b\.?|admitted|admission|discharged|"
                    r"discharge|collected|received|reported|seen)\b(?:[ \t]+(?:of|date)\b"
                    r"(?:[ \t]+(?:service|birth|admission|discharge|visit|procedure))?)?"
                    r"[ \t]*[:#=-]?[ \t]*")
# Who an age over 89 is told of ("he is 92", "Pt is 96M").
_ELDERS = (r"he|she|pt|patient|mother|father|mom|dad|wife|husband|sister|brother|grandmother|"
           r"grandfather|aunt|uncle")
# A temperature's cue right before a number ("Temp 95F s/p rewarming", "T 92F hx of sepsis",
# "Tmax: 96F"): the number and its F are degrees, never an age and a sex
_TEMP_BEFORE = re.compile(r"\b(?:t|temp|tmax|tmx|tcurrent|tcur|tc|tm|temperature|temps?)\.?"
                          r"(?:\s+(?:of|was|is|at|up\s+to|to))?\s*[:=]?\s*$", re.I)
# The states' postal codes ("MT"), in capitals only.
_STATE_CODES = (r"(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|"
                r"O[HKR]|PA|RI|S[CD]|T[NX]|UT|V[AT]|W[AIVY])")
# The states by name: a ZIP code after one is a place smaller than the state.
_STATES = ("alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|"
           "georgia|hawaii|idaho|illinois|indiana|iowa|kansas|kentucky|louisiana|maine|maryland|"
           "massachusetts|michigan|minnesota|mississippi|missouri|montana|nebraska|nevada|"
           r"new\s+hampshire|new\s+jersey|new\s+mexico|new\s+york|north\s+carolina|"
           r"north\s+dakota|ohio|oklahoma|oregon|pennsylvania|rhode\s+island|south\s+carolina|"
           r"south\s+dakota|tennessee|texas|utah|vermont|virginia|washington|west\s+virginia|"
           "wisconsin|wyoming")
# Postcodes outside the US: British ("RG1 5AN"), Canadian ("H3B 1A7", no D F I O Q U), and
# the Canadian provinces' and Australian states' codes that come before theirs.
_UK_POSTCODE = r"[A-Z]{1,2}[1-9][A-Z\d]?\s\d[ABD-HJLNP-UW-Z]{2}"
# (with its space except after its label: "T2N0M0" is a tumour's stage)
_CA_POSTCODE = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]\d[ABCEGHJ-NPRSTV-Z]\d"
_CA_POSTCODE_LOOSE = r"[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d"
_PROVINCES = r"(?:AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT)"
_AU_STATES = r"(?:NSW|VIC|QLD|TAS|ACT|SA|WA|NT)"
# words that lead to a town, never its first word ("Lives Reading RG1 5AN")
_TO_TOWN = (r"(?i:lives|lived|living|resides|resided|moved|relocated|from|in|at|to|near|"
            r"address|home|of|and|or|born)")
# a town's name before its postcode: capitalised words, or words in capitals; and the gap
# between them (spaces, or a comma; no runs of spaces that could trade places)
_GAP = r"(?:[ \t]*+,[ \t]*+|[ \t]++)"
_TOWN = r"[A-Z][a-z]+(?:[ \t][A-Z][a-z]+){0,2}|[A-Z]{3,}(?:[ \t][A-Z]{3,})?"
# The marks of an e-mail address written out: "[at]", "(at)", " at ", "[dot]", " dot ".
_BRACKET_AT = r"\s*[\[({<]\s*(?:at|@)\s*[\])}>]\s*"
_WORD_AT = r"\s+at\s+"
_SPELT_DOT = r"(?:\s*[\[({<]\s*dot\s*[\])}>]\s*|\s+dot\s+)"
_DOT = rf"(?:\.|{_SPELT_DOT})"
# the ends of the addresses written out (not any word: "seen at clinic dot" is none)
_TLD = r"(?:com|org|net|edu|gov|mil|info|io|co|us|uk|ca|au|de|fr|ie|nz)"
# A vertebral level is never a plate ("end plates L4-L5", "Plate C5 C6 with 4 screws")
_NOT_LEVEL = r"(?![CTLS]\d{1,2}\b)"
# "plate" names a vehicle's only with a qualifier before it or a label after it ("licence
# plate", "registration plate", "plate number", "plate #"): a bone's or a growth plate and a
# fixation plate ("Plate DCP 10 hole") are clinical
_VEHICLE_PLATE = (r"(?:(?:number|licen[cs]e|registration|reg\.?|vehicle)\s+plates?"
                  r"(?:\s*(?:number|no\.?|#|:))?|plates?\s*(?:number|no\.?|#|:))")
# An address with a bare "at": "rowena dot blackwood at gmail dot com", "rowena.blackwood at
# gmail.com", "Email rowena at gmail dot com"; see _word_at_emails for what makes it one
_WORD_AT_EMAIL = re.compile(rf"(?<![\w.+-])(?P<local>[\w+-]+(?:{_DOT}[\w+-]+){{0,3}})"
                            rf"{_WORD_AT}(?P<domain>[\w-]+(?:{_DOT}[\w-]+){{0,3}}){_DOT}{_TLD}\b",
                            re.I)
# what tells a plain word before "at" is an address's ("Email rowena at ...", "write to ...")
_EMAIL_CUE_BEFORE = re.compile(r"\b(?:e-?mail(?:ed)?|mail|address|contact|write\s+to|reach)\b"
                               r"[^.\n]{0,30}$", re.I)
_MAIL_HOSTS = re.compile(r"(?:gmail|googlemail|yahoo|hotmail|outlook|aol|icloud|live|msn|"
                         r"protonmail|proton|comcast|verizon|att|btinternet|bigpond|me)\b", re.I)
# An Australian state and postcode, with the town before them ("Fitzroy VIC 3065", "VIC
# 3065"); _au_postcodes keeps those on an address ("SA 1200" may be a node, "Repeat ACT 1150"
# a clotting time, "Body WA 2300 mL" a volume)
_AU_POSTCODE = re.compile(rf"(?<![\w.-])(?:(?!{_TO_TOWN}\b)(?P<town>{_TOWN})(?P<gap>{_GAP}))?"
                          rf"(?<![\w.-])(?P<state>{_AU_STATES}){_GAP}(?P<code>\d{{4}})"
                          r"(?![\w.,/-]?\d)")
# what leads to an address ("lives in", "moved to", "Address:", "from")
_ADDRESS_BEFORE = re.compile(r"\b(?:lives|lived|living|resides|resided|residing|moved|"
                             r"relocated|home|born|from|address|addr)\b\.?(?:[ \t]+(?:in|at|near|"
                             r"to))?[ \t]*:?[ \t]*$", re.I)
# an address's line, or a street before the town ("12 Smith St, Fitzroy VIC 3065"; not a
# list of values: "K 4.1, Intake NSW 2000")
_ADDRESS_LINE = re.compile(r"\b(?i:address|addr)\b[^\n]*$|\b(?:St|Street|Rd|Road|Ave|Avenue|"
                           r"Dr|Drive|Ln|Lane|Ct|Court|Cres|Crescent|Pde|Parade|Hwy|Highway|Tce|"
                           r"Terrace|Pl|Place|Way|Blvd|Boulevard)\.?,?[ \t]*$")
# a unit after the number ("Serum NT 2400 pg/mL", "Lesion SA 1200 mm2")
_UNIT_AFTER = re.compile(r"[ \t]*(?:%|/|(?:mg|mcg|ug|ng|pg|g|kg|ml|l|dl|cc|mm|cm|m|mm2|cm2|"
                         r"mmol|umol|iu|u|units?|sec|secs|seconds|s|min|mins|hrs?|x|kcal|cal|"
                         r"cells|copies)\b)", re.I)
# A range of round numbers written like a local phone number ("SVR 900-1300", "TV 250-1000").
_RANGE = re.compile(r"\d{2}0-\d{2}00")

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("EMAIL", re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]+(?:\.[\w-]+)+\b")),
    # an address written out to dodge harvesters: "rowena.blackwood [at] gmail.com",
    # "rowena (at) gmail (dot) com" (with a bare "at": _word_at_emails)
    # (a few parts each side: no note of "dot"s is read again from every word)
    ("EMAIL", re.compile(rf"(?<![\w.+-])[\w+-]+(?:{_DOT}[\w+-]+){{0,3}}"
                         rf"{_BRACKET_AT}[\w-]+(?:{_DOT}[\w-]+){{0,3}}{_DOT}{_TLD}\b", re.I)),
    # any scheme a note names ("ftp://", "sftp://"), and not the punctuation that ends the
    # sentence after the address ("http://bit.ly/abc;")
    ("URL", re.compile(r"\b(?:(?:https?|s?ftp|ftps)://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]}]",
                       re.I)),
    # a web address without a scheme ("dropbox.com/s/abc", "facebook.com/jane.doe")
    ("URL", re.compile(r"(?<![\w@.-])(?:[a-z][a-z0-9-]{2,}\.)+(?:com|org|net|edu|gov|us|uk|ca|de|"
                       r"fr|info)(?:/(?:[^\s<>\"']*[^\s<>\"'.,;:!?)\]}])?)?(?![\w@-])", re.I)),
    # a social media handle or user name after its label ("Twitter @ThadQuix", "username: jq7");
    # after a word that is also plain English ("handle", "login") only with a colon or an "@"
    # ("Remote login from home" names no one)
    ("ID", re.compile(r"\b(?:(?:twitter|instagram|tiktok|facebook|snapchat|telegram|skype|"
                      r"user ?name|user ?id)\s*(?::\s*)?|(?:handle|login)(?:\s*[:=]\s*|\s+(?=@)))"
                      r"(?P<phi>@?[A-Za-z0-9_][A-Za-z0-9_.]{2,})", re.I)),

    ("IP", re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")),
    ("ID", re.compile(r"\b\d{3}-\d{2}-\d{4}\b")),  # SSN
    ("PHONE", re.compile(r"(?<![\w/.-])(?:\+?1[\s.-]?)?(?:\(\d{3}\)\s*|\d{3}[\s.-]{0,2})"
                         r"\d{3}[\s.-]{0,2}\d{4}(?![\w/])")),
    ("PHONE", re.compile(r"(?<![\w/.-])\d{3}[.-]\d{4}(?![\w/-])")),
    # "614/555-0198" too: an area code cannot end a ratio of three slashed numbers
    ("PHONE", re.compile(r"\b\d{3}\d{3}-\d{4}\b|(?<![\d/.])\d{3}/\d{3}[/-]\d{4}(?![\d/]|[.-]\d)")),
    # international numbers: "+44 20 7946 0958", "+1 (617) 555-0199", "+49-30-1234567", and
    # with the trunk zero in brackets ("+44 (0)20 7946 0958")
    # (separated groups, 8-15 digits: "+2801" is a fluid balance)
    ("PHONE", re.compile(r"(?<![\w+])(?=\+(?:[\s.()-]{0,2}\d){8,15}(?!\d))"
                         r"\+\d{1,3}(?:[\s.-]?\(0\)[\s.-]?\d{1,5}(?:[\s.-]\(?\d{1,5}\)?){1,4}"
                         r"|(?:[\s.-]\(?\d{1,5}\)?){2,5})(?![\w/])")),
    # a number grouped the way other countries write it, or a local one with a space, after
    # a word that says it is a phone ("Tel: 020 7946 0321", "Contact: (02) 9876 5432",
    # "Call 555 0134", "mobile 0412 345 678", "Phone no.: 555 0134"), or a verb and up to two
    # words ("Called pharmacy at 555 0134", "You can reach me at 555 0134", "Ring 020 7946
    # 0321"); without the word such groups are counts
    # (a trunk-zero number has 10 or 11 digits and does not start with two clock times:
    # "Called at 0300 0330 0400" are the times of three calls)
    ("PHONE", re.compile(r"(?:\b(?:call(?:ed|ing)?|contact(?:ed)?|reach|ring)\b:?"
                         r"(?:\s++(?!(?:on|at)\b)[a-z]{2,}+){0,2}+"
                         r"|\b(?:tel(?:ephone)?|phone|ph|cell|mobile|mob|fax|pager)\.?"
                         r"(?:\s*+(?:#|no\.?|number))?(?:\s*+:)?)(?:\s++(?:on|at))?\s*+"
                         r"(?P<phi>(?:\(0?\d{1,4}\)[ .-]?"
                         r"|(?=(?:[ .-]?\d){10,11}(?![ .-]?\d))"
                         r"(?!(?:(?:[01]\d|2[0-3])[0-5]\d[ .-]?){2})0\d{1,4}[ .-])"
                         r"\d{3,4}[ .-]?\d{3,4}"
                         r"|0\d{3}[ .-]?\d{3}[ .-]?\d{3}|\d{3}[ .-]\d{4})(?![\w/]|[.,]?\d|[ -]\d)",
                         re.I)),
    ("PHONE", re.compile(r"(?:pager|beeper|page|pgr|cell|mobile|telephone|phone|tel|fax|ext)\.?\s*(?:(?:#|no\.?|number"
                         r"|:)\s*)?(?P<phi>\d{4,}(?:[\s-]\d{3,})*|\d{1,3}-\d{4}\b)", re.I)),
    ("ID", re.compile(r"(?:\b(?:mrn|mr|medical record(?: number)?|acct|account|ssn|license|"
                      r"policy|id)|#)\s*(?:(?:#|no\.?|number|:)\s*)?(?P<phi>[a-z]{0,3}\d{4,}[a-z\d-]*)",
                      re.I)),
    # record numbers with letters and hyphens ("MRN#A-4451-22"), social security numbers
    # written with spaces ("SSN 123 45 6789")
    # (each run of spaces is followed by a required mark: no two runs can trade spaces, which
    # made "MRN" + 800 spaces take 13 s)
    ("ID", re.compile(r"\b(?:mrn|medical record(?: number)?|acct|account)\s*(?:(?:#|no\.?|number)"
                      r"\s*)?(?::\s*)?(?P<phi>(?=(?:[a-z-]*\d){3})[a-z]{0,3}-?\d[\da-z]*(?:-[\da-z]+)*)\b",
                      re.I)),
    # a number with hyphens after a record's label ("Patient ID: 88-2231-7", "Specimen #:
    # S21-3345", "Accession no. 21-0045"): four digits or more, up to three letters first
    # (not "order # 2-1000" or "pt # 1-2000": an item of a list)
    ("ID", re.compile(r"(?:\b(?:patient|specimen|sample|accession|encounter|visit|case|lab|"
                      r"requisition)\s+(?:id\b|#|no\.|number\b)|\bpt\s+(?:id\b|no\.)"
                      r"|\b(?:mrn|acct|account|specimen|accession|requisition)\b|\bID(?=\s*[:#]))"
                      r"\s*(?:#|no\.|number\b)?\s*:?\s*(?P<phi>(?=(?:[a-z-]*\d){4})"
                      r"(?=[a-z\d]*-[a-z\d])[a-z]{0,3}-?\d+(?:-[a-z\d]+)*)\b(?!-)", re.I)),
    # Safe Harbor (I)-(K): health plan beneficiary, account, certificate and licence numbers,
    # and (P) biometric identifiers, after the label that names them
    ("ID", re.compile(r"\b(?:medicare|medicaid|health\s+plan(?:\s+beneficiary)?|beneficiary|"
                      r"member|subscriber|insurance|policy|dea|npi|biometric|passport|accession|"
                      r"fingerprint|finger print|voiceprint|voice print|retinal(?: scan)?|iris|"
                      r"palm ?print|"
                      r"(?:driver'?s\s+)?licen[cs]e|cert(?:ificate)?)(?:\s+(?:id|number|no\.?|#))?"
                      r"\s*(?:[:#]\s*)?(?P<phi>(?=[a-z0-9-]*\d)[a-z0-9][a-z0-9-]{3,}[a-z0-9])\b", re.I)),
    # a Medicare Beneficiary Identifier in its three groups ("Medicare # 1EG4 TE5 MK73"): its
    # letters never S L O I B Z
    ("ID", re.compile(r"\b(?i:medicare|mbi)\b(?:\s++(?i:id|number|no\.?|#|card))*\s*+(?:[:#]\s*+)?"
                      r"(?P<phi>[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y\d]\d[ -]?[AC-HJKMNP-RT-Y]"
                      r"[AC-HJKMNP-RT-Y\d]\d[ -]?[AC-HJKMNP-RT-Y]{2}\d\d)\b")),
    ("ID", re.compile(r"\b(?:ssn|social security(?: number)?|ss#)\s*(?:(?:#|no\.?|number|:)\s*)?"
                      r"(?P<phi>\d{3}[\s.]\d{2}[\s.]\d{4})\b", re.I)),
    # a health card or plan number written in groups after its label ("Medicare number 2123
    # 45670 1", "PHN 9123 456 789", "RAMQ: TREJ 8502 1514", "OHIP 1234-567-890-AB"): seven
    # digits or more, every group after the first with a digit ("PHN 2019 on gabapentin" is none)
    ("ID", re.compile(r"\b(?:medicare|medicaid|ohip|phn|ramq|nhs|chi|hcn|health\s+(?:card|plan|"
                      r"insurance)|personal\s+health|insurance|policy|member|subscriber|"
                      r"beneficiary)"
                      r"\b(?:\s++(?:id|number|no\.?|#|card))*\s*+(?:[:#]\s*+)?"
                      r"(?P<phi>(?=(?:[a-z]{0,4}[ -]?\d){7})"
                      r"(?:(?-i:[A-Z]{2,4})|[a-z]{0,3}\d[a-z\d]*)"
                      r"(?:[ -][a-z]{0,3}\d[a-z\d]*)+(?:-[a-z]{1,3}|(?-i: [A-Z]{2}))?)\b", re.I)),
    # a hospital or unit number after its label ("Hospital No: K123456", "Unit No. 998877",
    # "Hospital number RXH-004471"): four digits or more ("unit no. 4" is a bed)
    ("ID", re.compile(r"\b(?:hospital|hosp|unit|clinic|chart|record|case|registration|reg)\.?\s*+"
                      r"(?:no\.?|number|num|#)\s*+[:#]?\s*+"
                      r"(?P<phi>[a-z]{0,4}-?\d{4,}[a-z\d]*(?:-[a-z\d]+)*)\b", re.I)),
    # IPv6, full or compressed ("fe80::1ff:fe23:4567:890a"): hex groups, three colons or "::"
    ("IP", re.compile(r"(?<![\w:])(?=[0-9a-f:]*(?:[a-f]|::))(?=(?:[0-9a-f]*:){3})"
                      r"(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{1,4}(?![\w:])", re.I)),
    # a street address: a house number, up to three capitalised words and a street type, with
    # the flat ("55 Fruit Street", "3817 Kettering Pike", "12 Elm St., Apt 4B"); abbreviated
    # types only as written in addresses ("20 Units SQ", "Head CT", "12 Lead ST" are not), and
    # no "Dr" ("4 Zofran Dr.")
    ("LOCATION", re.compile(
        r"\b\d{1,6}\s+(?:[NSEW]\.?\s+)?(?:[A-Z][a-z'-]+\s+){1,3}(?:(?i:street|avenue|road|"
        r"boulevard|lane|way|court|place|terrace|highway|parkway|circle|pike|square|trail|"
        r"turnpike|broadway|drive)\b|(?:St|Ave|Rd|Blvd|Ln|Ct|Pl|Ter|Hwy|Pkwy|Cir|Sq|Trl|Tpke)"
        r"\b\.?)(?:,?\s*(?i:apt|apartment|unit|suite|ste|flat)\.?\s*(?:#\s*)?"
        r"[A-Za-z0-9-]+|\s*#\s*[A-Za-z0-9-]+)?"
        # and the town after it ("5 Main St, Braintree with his wife")
        r"(?:,[ \t]*[A-Z][a-z]+(?:[ \t][A-Z][a-z]+)?(?=[ \t]*(?:[,.;]|$|[A-Z]{2}\b|\d{5}|"
        r"with\b|and\b)))?", re.M)),
    # a post office box (Safe Harbor (B): street address)
    ("LOCATION", re.compile(r"\b(?:P\.?\s?O\.?\s*Box|Post Office Box)\s*(?:#\s*)?\d+\b", re.I)),
    ("ID", re.compile(r"(?<![\d.,/:-])\d{7,}(?![\d.,/:-]\d)")),
    # Safe Harbor (L)-(M): vehicle (VIN, plates) and device identifiers and serial numbers.
    ("ID", re.compile(r"\b(?=[A-HJ-NPR-Z0-9]*\d)(?=[A-HJ-NPR-Z0-9]*[A-HJ-NPR-Z])"
                      r"[A-HJ-NPR-Z0-9]{17}\b")),
    ("ID", re.compile(r"(?:(?:serial|s/n|sn|vin|licen[cs]e|certificate|device id|udi)"
                      rf"\s*(?:number|no\.?|#|:)?|{_VEHICLE_PLATE})"
                      rf"\s*{_NOT_LEVEL}(?P<phi>(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{{4,}})", re.I)),
    # a plate or a serial number in two groups after its label: a British plate ("Registration
    # plate AB12 CDE"), "plate no. ABC 1234", "serial number BXK 445566" (in capitals: "plate
    # is intact" names nothing)
    # ("Serial CBC 0600", "Serial K 0600": serial tests at a time; a serial number has its label)
    ("ID", re.compile(rf"\b(?i:{_VEHICLE_PLATE}|(?:registration\s+(?:number|no\.?|mark)|vrm)\b"
                      r"(?:\s*(?:number|no\.?|#|:))?)\s*+"
                      rf"{_NOT_LEVEL}(?P<phi>[A-Z]{{2}}\d{{2}}\s?[A-Z]{{3}}"
                      r"|(?=[A-Z\d]*[ -]?[A-Z\d]*\d)[A-Z\d]{2,4}[ -][A-Z\d]{2,4})\b"
                      r"|\b(?i:serial\s*(?:number|no\.?|#|:)|s/n|sn|device\s+id)\s*+:?\s*+"
                      r"(?P<phi2>[A-Z]{1,4}[ -]\d{4,}[A-Z\d]*)\b")),
    # a GS1 device identifier whole, with its lot and serial ("(01)00884521123456(17)250101
    # (21)A1B2C3"); and a DICOM or other object identifier ("1.2.840.113619.2.55.3.12345"):
    # five numbers or more under the ISO or joint arcs, one of three digits or more (a version
    # "1.2.3.4.5" is none)
    # (a space after each field code, or before it: "(01) 00884521123456 (17) 250101")
    ("ID", re.compile(r"\(01\) ?\d{14}(?: ?\(\d{2,4}\) ?[A-Za-z\d./-]+)*")),
    # (and a UUID under 2.25, one long number: "2.25.3291873429182734918273491827349182734")
    ("ID", re.compile(r"(?<![\w.])(?:(?=[\d.]*\d{3})(?:1\.[23]|2\.(?:16|25))(?:\.\d+){3,}"
                      r"|2\.25\.\d{16,39})(?!\w|\.\d)")),
    # a plate after its state ("plate MA 4AB123", "plate: NY ABC1234")
    ("ID", re.compile(rf"\b(?i:plate)\s*(?i:number|no\.?|#|:)?\s*{_STATE_CODES}\s+"
                      r"(?P<phi>(?=[A-Z0-9-]*\d)[A-Z0-9][A-Z0-9-]{3,})\b")),
    # ZIP codes after a state abbreviation (Safe Harbor (B): geographic units below a state).
    ("LOCATION", re.compile(rf"\b{_STATE_CODES}\.?,?\s+(?P<phi>\d{{5}}(?:-\d{{4}})?)\b")),
    # and after a state's full name ("Vermont 05123", "New Hampshire 03301-4455")
    ("LOCATION", re.compile(rf"\b(?:{_STATES}),?[ \t]+(?P<phi>\d{{5}}(?:-\d{{4}})?)\b"
                            r"(?![.,]\d|[-/]\d)", re.I)),
    # the town before a state code and ZIP with no comma between ("Bozeman MT 59771",
    # "BOZEMAN MT 59771")
    ("LOCATION", re.compile(r"(?<![\w.-])(?P<phi>[A-Z][a-z]+(?:[ \t][A-Z][a-z]+){0,2}"
                            rf"|[A-Z]{{3,}}(?:[ \t][A-Z]{{3,}})?)[ \t]+{_STATE_CODES},?[ \t]+"
                            r"\d{5}(?:-\d{4})?\b")),
    # a latitude and a longitude, four decimals or more each ("45.6770,-111.0429"), one of
    # them signed or of two digits or more (a urine specific gravity "1.0150 1.0200" is none)
    ("LOCATION", re.compile(r"(?<![\w.,-])(?=-|\d\d|[\d.]+(?:,[ \t]?|[ \t])(?:-|\d\d))"
                            r"-?(?:[1-8]?\d|90)\.\d{4,}(?:,[ \t]?|[ \t])"
                            r"-?(?:1[0-7]\d|0?\d?\d|180)\.\d{4,}(?![\w.]|,\d)")),
    ("LOCATION", re.compile(r"\b(?:zip|zip code|postal code)\s*(?::\s*)?(?P<phi>\d{5}(?:-\d{4})?)\b",
                            re.I)),
    # a ZIP code where the patient lives ("lives in 02115", "moved to 01605 area")
    ("LOCATION", re.compile(r"\b(?:lives|living|resides|residing|moved|relocated|home)[ \t]+"
                            r"(?:in|at|near|to)[ \t]+(?:the[ \t]+)?(?P<phi>\d{5}(?:-\d{4})?)\b",
                            re.I)),
    # a UK postcode ("RG1 5AN", "NW1 6XE"; the inward letters never include C I K M O V, so
    # "MS04 2MG" is a dose)
    ("LOCATION", re.compile(rf"\b{_UK_POSTCODE}\b")),
    # the town before a UK postcode ("Reading RG1 5AN", "READING, RG1 5AN") or a Canadian
    # province and postal code ("Montreal QC H3B 1A7"); an Australian town: _au_postcodes
    # (not the word that leads to the town: "Lives Montreal QC H3B 1A7" keeps "Lives")
    ("LOCATION", re.compile(rf"(?<![\w.-])(?!{_TO_TOWN}\b)(?P<phi>{_TOWN}){_GAP}(?:{_UK_POSTCODE}\b"
                            rf"|{_PROVINCES}{_GAP}{_CA_POSTCODE}\b)")),
    # and on an address's line, before a postal code written without its space ("Address:
    # Toronto ON M5G2C4")
    ("LOCATION", re.compile(rf"(?<=(?i:address))[ \t]*+:?[^\n]{{0,60}}?(?<![\w.-])"
                            rf"(?!{_TO_TOWN}\b)(?P<phi>{_TOWN}){_GAP}{_PROVINCES}\.?{_GAP}"
                            rf"{_CA_POSTCODE_LOOSE}\b")),
    # a Canadian postal code after its province or its label ("QC H3B 1A7", "Postal code: M5G
    # 2C4"; alone, "T2N 1M0" may be a tumour's stage), written without its space on an
    # address's line ("Address: Toronto ON M5G2C4"), and a four-digit postcode after its
    # label ("Postcode: 3065"); an Australian one after its state: _au_postcodes
    ("LOCATION", re.compile(rf"\b(?:{_PROVINCES}\.?{_GAP}(?P<phi>{_CA_POSTCODE})\b"
                            rf"|(?<=(?i:address))[ \t]*+:?[^\n]{{0,60}}?\b{_PROVINCES}\.?{_GAP}"
                            rf"(?P<phi2>{_CA_POSTCODE_LOOSE})\b"
                            r"|(?i:post(?:al)?[ \t]?code|zip(?:[ \t]code)?)[ \t]*+(?::[ \t]*+)?"
                            rf"(?P<phi3>{_CA_POSTCODE_LOOSE}|{_UK_POSTCODE}|\d{{4}})\b"
                            r"(?![.,/-]\d))")),
    # a rural route ("Rural Route 2, Box 45", "RR 3 Box 12": "RR 18" alone is a breathing rate)
    ("LOCATION", re.compile(r"\b(?i:rural\s+route)\s*+#?\s*+\d++(?:,?\s*+(?i:box)\s*+#?\s*+\d+)?\b"
                            r"|\b(?:RR|R\.R\.)\s*+#?\s*+\d++,?\s*+(?i:box)\s*+#?\s*+\d+\b")),
    ("DATE", re.compile(rf"\b{_M}/{_D}/{_Y}\b|\b{_M}-{_D}-(?:19|20)?\d\d\b|\b(?:19|20)\d\d-"
                        rf"{_M}-{_D}\b|\b{_M}\.{_D}\.(?:19|20)\d\d\b"
                        # day first with dots, unambiguous ("14.03.2023")
                        r"|\b(?:3[01]|2\d|1[3-9])\.(?:1[0-2]|0?[1-9])\.(?:19|20)\d\d\b")),
    # ISO date-times ("2019-03-04T10:00", "2019-03-04 10:00:00Z"), year-first with slashes,
    # day-month-year and month-day-year with a month name between hyphens ("04-MAR-2019")
    ("DATE", re.compile(rf"\b(?:19|20)\d\d-{_M}-{_D}(?:[T ](?:[01]\d|2[0-3]):[0-5]\d"
                        r"(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?(?![\d:])"
                        rf"|\b(?:19|20)\d\d/{_M}/{_D}\b(?!/)")),
    ("DATE", re.compile(rf"\b{_D}-(?:{MONTHS})-{_Y}\b|\b(?:{MONTHS})-{_D}-{_Y}\b", re.I)),
    # three numbers around one separator with a four-digit year first or last that no pattern
    # above reads: a day-first date ("31/12/2021") or a date mistyped or impossible
    # ("2021-13-01", "12/32/2021"): still the patient's date (no year-first dots: versions)
    ("DATE", re.compile(r"(?<![\d./-])(?:(?:19|20)\d\d(?P<sep>[-/])\d{1,2}(?P=sep)\d{1,2}"
                        r"|\d{1,2}(?P<sep2>[-/.])\d{1,2}(?P=sep2)(?:19|20)\d\d)(?![\d]|[./-]\d)")),
    # month/year with a four-digit year ("since 3/2019")
    ("DATE", re.compile(r"(?<![\d/.])\b(?:1[0-2]|0?[1-9])/(?:19|20)\d\d\b(?!/)")),
    # a day of the month alone ("seen on the 4th")
    ("DATE", re.compile(rf"\b(?:on|since|until|by|from|(?:mon|tues|wednes|thurs|fri|satur|sun)"
                        rf"day,?) the (?P<phi>{_D}(?:st|nd|rd|th))\b", re.I)),
    ("DATE", re.compile(rf"(?<![\d/.])\b{_M}/{_D}\b(?!/|\.\d|\d)")),
    ("DATE", re.compile(rf"(?<![\d/.])\b{_M}/(?:3[2-9]|[4-9]\d)\b(?!/|\.\d|\d|%)")),
    # day first without a year ("31/03"), and a day and month impossible either way round
    # ("13/45"; not 20/x, how visual acuity is written, nor the end of a range of
    # pressures, "32/15 to 28/11"): still the patient's date
    ("DATE", re.compile(r"(?<![\d/.])(?<!\d to )\b(?!24/7\b)(?:1[3-9]|2\d|3[01])/(?:0?[1-9]|1[0-2])\b"
                        r"(?!/|\.\d|\d|%)|(?<![\d/.])(?<!\d to )\b(?!20/)(?:1[3-9]|2\d|3[01])/(?:3[2-9]|[4-9]\d)"
                        r"\b(?!/|\.\d|\d|%)")),
    # year and month ("2019-03", "2019/3"), not a range of years ("2008-09" is read as one too:
    # either way it is the patient's date)
    ("DATE", re.compile(r"(?<![\d/.-])\b(?:19|20)\d\d(?P<ymsep>[-/])(?:0[1-9]|1[0-2]|(?<=/)[1-9])\b"
                        r"(?!(?P=ymsep)\d|\.\d|[\d%])")),
    ("DATE", re.compile(rf"\b(?:in|during|since|early|late|mid|last|next|until)\s+(?P<phi>{MONTHS})\b",
                        re.I)),
    ("DATE", re.compile(rf"\b{_MON_BEFORE_DAY}\s+{_D}{_ORD}(?:\s*(?:,\s*)?{_Y}\b)?(?![\d:])"
                        rf"|\b{_D}{_ORD}\s+(?:of\s+)?"
                        rf"{_MON_AFTER_DAY}(?:\s*(?:,\s*)?{_Y}\b)?"
                        rf"|\b{_MON}\s*(?:,\s*)?(?:19|20)\d\d\b", re.I)),
    ("DATE", re.compile(rf"(?:\b(?:{_YEAR_CONTEXT})\s*)(?P<phi>(?:19[3-9]\d|20[0-2]\d)s?)\b",
                        re.I)),
    ("DATE", re.compile(r"(?P<phi>\b(?:19[3-9]\d|20[0-2]\d)s)\b|'(?P<phi2>\d\d)(?![\d'])", re.I)),
    ("DATE", re.compile(r"\b(?:christmas|thanksgiving|easter|new year'?s?|halloween)(?: day| eve)?\b"
                        r"|\b(?:memorial|labor|labour|independence|veterans|mother'?s|father'?s|"
                        r"valentine'?s|presidents'?|martin luther king(?: jr\.?)?|mlk) day\b"
                        r"|\bfourth of july\b", re.I)),
    # "04MAR2021", "4mar21"
    ("DATE", re.compile(rf"\b{_D}(?:{MONTHS})(?:19|20)?\d\d\b", re.I)),
    # dotted with a two-digit year ("3.4.21", "12.11.20"), not a version or a decimal
    ("DATE", re.compile(rf"(?<![\d.])(?:1[0-2]|0?[1-9])\.{_D}\.\d\d(?!\d|\.\d)")),
    # day first with a two-digit year, only where the day cannot be a month ("14/3/21",
    # "31.1.21"): "3/2/15" stays a month-first date above, and scores and settings with a
    # first number over 31 or a last one of three digits ("CO/CI/SVR 3/2/1500") are none
    ("DATE", re.compile(r"(?<![\d/.])(?:1[3-9]|2\d|3[01])(?P<dsep>[/.])(?:1[0-2]|0?[1-9])"
                        r"(?P=dsep)\d\d(?![\d%]|[/.-]\d)")),
    # year first with dots ("2021.03.14", "2021.3.14"): a four-digit year of this century or
    # the last and a real month and day, which no version number is
    ("DATE", re.compile(r"(?<![\d.])(?:19|20)\d\d\.(?:1[0-2]|0?[1-9])\.(?:3[01]|[12]\d|0?[1-9])"
                        r"(?![\d%]|\.\d)")),
    # separated by single spaces, with a four-digit year and two-digit day and month
    # ("2021 03 14", "14 03 2021", "03 14 2021")
    ("DATE", re.compile(r"(?<![\d.,/:-])(?:(?:19|20)\d\d (?:0[1-9]|1[0-2]) (?:0[1-9]|[12]\d|3[01])"
                        r"|(?:0[1-9]|[12]\d|3[01]) (?:0[1-9]|1[0-2]) (?:19|20)\d\d"
                        r"|(?:0[1-9]|1[0-2]) (?:1[3-9]|2\d|3[01]) (?:19|20)\d\d)"
                        r"(?![\d%]|[.,/:-]\d)")),
    # a month and a day in words ("March fifth, 2021", "the fifth of March")
    ("DATE", re.compile(rf"\b(?:{MONTHS})\.?\s+(?:the\s+)?{_ORDINAL_WORDS}(?:\s*(?:,\s*)?{_Y}\b)?"
                        rf"|\b(?:the\s+)?{_ORDINAL_WORDS}\s+of\s+(?:{MONTHS})\b\.?(?:\s*(?:,\s*)?{_Y}\b)?",
                        re.I)),
    ("DATE", re.compile(r"\((?P<phi>19[3-9]\d|20[0-2]\d)\)")),  # "CABG (2004)"
    # 1960-1999 cannot be a 24-hour clock time (minutes < 60), so alone it is a year.
    ("DATE", re.compile(r"(?<![\d.,/:#-])19[6-9]\d(?![\d.,/:%-]|\s*(?:mg|mcg|ml|cc|units?|u\b|g\b|"
                        r"gm|kg|k?cal|calories|ml/hr|cc/hr|cc's|mls|x\b|/))", re.I)),
    # a day and a month's name without a year ("seen 3-Mar", "03-MAR"): the month capitalised
    # ("3-may" is no date)
    ("DATE", re.compile(rf"(?<![\w/.-]){_D}-{_MON_CAPS}(?![\w-])")),
    # a month and a two-digit year after an apostrophe ("Mar '21"): one date, so the month is
    # shifted with the year
    ("DATE", re.compile(rf"\b{_MON}\s*'\d\d(?![\d'])", re.I)),
    # ranges of days, the first end short ("3rd to 9th March 2021", "March 3-5, 2021",
    # "3/3-3/9/2021"): one date, so the first day is shifted with the second
    ("DATE", re.compile(rf"\b{_D}{_ORD}{_RANGE_TO}{_D}{_ORD}\s+(?:of\s+)?{_MON_AFTER_DAY}"
                        rf"(?:\s*(?:,\s*)?{_Y}\b)?"
                        rf"|\b{_MON_BEFORE_DAY}\s+{_D}{_ORD}{_RANGE_TO}{_D}{_ORD}"
                        rf"(?:\s*(?:,\s*)?{_Y}\b)?(?![\d:])"
                        rf"|(?<![\d/.]){_M}/{_D}\s*-\s*{_M}/{_D}/{_Y}\b(?!/)", re.I)),
    # a compact date, a real one, after a date's label ("DOS: 20210303", "on 20210303"): an
    # eight-digit number elsewhere may be a record number
    ("DATE", re.compile(rf"{_COMPACT_CONTEXT}(?P<phi>{_COMPACT_DATE})(?!\d)", re.I)),
    ("AGE", re.compile(r"\b(?P<phi>(?:9\d|1[0-1]\d)(?:\s*|-)(?:y\.\s?o\b\.?|y/?o\b|yrs?|years?)"
                       r"(?:[\s-]*old)?)", re.I)),
    # "in her 90s", "a nonagenarian", "centenarian" (Safe Harbor: ages over 89; "in the 90's"
    # is a blood pressure)
    ("AGE", re.compile(r"\b(?:in\s+(?:his|her|their)\s+(?:late\s+|early\s+|mid[\s-])?"
                       r"(?P<phi>(?:9|10)0'?s)\b|(?P<phi2>(?:non|nona)agenarian|centenarian)s?\b)",
                       re.I)),
    # "age 92", "Age: 91", "aged 97", "age of 93", "he is 90" (Safe Harbor: over 89)
    # ("age: 92y"; "Pt is now 96", "Pt is 96M", "she is 91F with CHF": not "pt is 101F,
    # tylenol given", a temperature)
    ("AGE", re.compile(r"\b(?:age[ds]?|aged|age of)(?:\s*\((?:yrs?|years)\))?\s*(?::\s*)?"
                       r"(?P<phi>9\d|1[0-1]\d)(?:y|yo|yrs?)?\b(?![.,]\d|\s*%)"
                       rf"|\b(?:{_ELDERS})\s+(?:is|was|turned|"
                       r"died at(?: age)?|passed away at(?: age)?)\s+(?:now\s+)?"
                       r"(?P<phi2>9\d|1[0-1]\d)(?:\b|(?=M\b)"
                       r"|(?=F\s+(?:with|w/|who|s/p|h/o|hx|pmh|presenting|admitted)\b))"
                       r"(?![.,]\d|\s*(?:%|/|mg|kg|lbs?|cm|mm|bpm|beats))", re.I)),
    # in words, in any case ("HE IS NINETY TWO", "She is now ninety-six."), not a value
    ("AGE", re.compile(rf"\b(?:{_ELDERS})\s+(?:is|was|turned)\s+(?:now\s+)?"
                       r"(?P<phi>(?:ninety|one hundred(?: and)?)(?:[- ](?:one|two|three|four|five"
                       r"|six|seven|eight|nine|ten))?)\b(?![- ]*(?:%|percent|/|over|mg|kg|lbs?|"
                       r"pounds|beats|bpm|breaths|degrees|cc|ml|minutes|mins?|seconds|points|"
                       r"mmhg)\b)", re.I)),
    # "Pt (92) seen": in brackets right after the patient, written in mixed or lower case
    # ("PT (92)" may be a prothrombin time)
    ("AGE", re.compile(r"\b(?:Pt|pt|Patient|patient)[ \t]+\((?P<phi>9\d|1[01]\d)\)")),
    ("AGE", re.compile(r"\b(?P<phi>(?:ninety|one hundred(?: and)?)(?:[- ](?:one|two|three|four|five"
                       r"|six|seven|eight|nine|ten))?)(?=[- ]*(?:years?|y/?o|yrs?)\b)"
                       r"|\b(?:age[ds]?|aged)(?:\s*:)?\s+(?P<phi2>(?:ninety|one hundred(?: and)?)"
                       r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine|ten))?)\b"
                       # "The patient, ninety-four, lives alone"
                       r"|(?<=, )(?P<phi3>ninety[- ](?:one|two|three|four|five|six|seven|eight|"
                       r"nine))(?=,)", re.I)),
    # "93yF", "90M", "101 yo M": an age and a sex, in the shorthand of a note's first line
    # (a bare "90M" only where a line starts or after "a": "Temp: 99F" is a temperature)
    ("AGE", re.compile(r"\b(?P<phi>(?:9\d|1[01]\d)\s?(?:yo?|y/o|yr))\s?[MF]\b(?![\w/-])"
                       r"|(?:(?<![^\n])|(?<=\ba ))"
                       r"(?P<phi2>9\d|1[01]\d) ?[MF]\b(?![\w/-])")),
    # "HPI: 96F presenting with syncope", "96 M w/ h/o CHF": an age and a sex before what a
    # note's first line says of the patient (not "Tmax 101F with chills": no history word)
    ("AGE", re.compile(r"(?<![\w.])(?P<phi>9\d|1[01]\d) ?[MF](?=\s+(?:presenting|presents|"
                       r"(?:with|w/)\s+(?:a\s+)?(?:pmh|hx|h/o|history|past)|who|s/p|h/o|pmh|"
                       r"hx)\b)")),
    # "Age/Sex: 93/F", "age/gender 91 M"
    ("AGE", re.compile(r"\bage\s*/\s*(?:sex|gender)\s*:?\s*(?P<phi>9\d|1[01]\d)(?=\s*/?\s*[MF]\b)",
                       re.I)),
    # "The patient, who is 92, lives alone"
    # (not a value that changes: "Pt who was 92 and now 88% on RA", "who is 94, 90% on 2L")
    ("AGE", re.compile(r"\bwho\s+(?:is|was|turned)\s+(?:now\s+)?(?P<phi>9\d|1[01]\d)"
                       r"(?=\s*(?:[,;)]|\.(?!\d)|$)|\s+(?:years?|yrs?|yo|y/o)\b"
                       r"|\s+(?:and|but)\s+(?!(?:now|then|later|down|up|dropped|fell|rose|"
                       r"improved|decreased|increased)\b|\d))"
                       r"(?![^.;\n]{0,24}?(?:%|\b(?:on\s+(?:RA|room\s+air|\d+\s*L\b|NC\b)"
                       r"|sats?|spo2|o2)\b))",
                       re.I | re.M)),
    # "Pt, 91, lives alone": an age set off by commas after the patient
    ("AGE", re.compile(r"\b(?:pt|patient|he|she),[ \t]+(?P<phi>9\d|1[01]\d)(?=[ \t]*,)", re.I)),
    ("AGE", re.compile(r"\b(?P<phi>(?:9\d|1[01]\d)(?:st|nd|rd|th)) birthday\b", re.I)),
]


#: A birth date or year after "DOB", "date of birth", "born (on|in)", "YOB", "b." (a year).
_BIRTH = re.compile(r"\b(?:yob|year of birth|birth ?year|b\.(?=\s*(?:18|19|20)\d\d\b)|dob|"
                    r"d\.o\.b\.?|date of birth|birth ?date|born(?: on| in)?)\s*(?:[:#-]\s*)?"
                    rf"(?P<phi>{_M}[/.-]{_D}[/.-](?:19|20|18)?\d\d|(?:18|19|20)\d\d-\d\d-\d\d"
                    # day first, where the day cannot be a month ("14/3/61")
                    rf"|(?:1[3-9]|2\d|3[01])[/.-]{_M}[/.-](?:19|20|18)?\d\d"
                    rf"|{_MON}\s+{_D}{_ORD},?\s+(?:18|19|20)\d\d|(?:18|19|20)\d\d/\d\d?/\d\d?"
                    rf"|{_MON}\s*(?:,\s*)?(?:18|19|20)\d\d"
                    rf"|{_D}{_ORD}[\s-]+(?:of\s+)?(?:{MONTHS})\.?[\s,-]+(?:18|19|20)\d\d"
                    # compact ("19300303"), a real month and day
                    r"|(?:18|19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                    r"|(?:18|19|20)\d\d)\b", re.I)


def _birth_dates(text: str) -> Iterator[PhiSpan]:
    """Birth dates; one that makes its holder older than 89 today is an AGE (Safe Harbor: a
    date indicative of such an age is removed, year included, not shifted)."""
    from datetime import date

    for m in _BIRTH.finditer(text):
        years = re.findall(r"(?:18|19|20)\d\d", m.group("phi"))
        if years:
            year = int(years[-1])
        else:   # a two-digit year ("3/14/29"): the older reading when it is in the future
            two = int(m.group("phi")[-2:])
            year = 2000 + two if 2000 + two <= date.today().year else 1900 + two
        # the year alone (read at its last day, so nobody is called older than they are)
        old = over_89_birth_year(f"{year:04d}") is not None
        yield PhiSpan(m.start("phi"), m.end("phi"), "AGE" if old else "DATE")


def _word_at_emails(text: str) -> Iterator[PhiSpan]:
    """E-mail addresses written with a bare "at": a dot spelled out or written in the part
    before it ("rowena dot blackwood at gmail dot com", "rowena.blackwood at gmail.com"), or a
    plain word after an e-mail cue or before a mail host ("Email rowena at clinic dot com",
    "rowena at gmail dot com"). "Seen at clinic dot com today" names no address: "Seen" is a
    word, not the part before the "at"."""
    for m in _WORD_AT_EMAIL.finditer(text):
        spelt = not re.fullmatch(r"[\w+-]+", m.group("local"))
        if (spelt or re.search(r"[\d_]", m.group("local"))
                or _MAIL_HOSTS.match(m.group("domain"))
                or _EMAIL_CUE_BEFORE.search(text[max(0, m.start() - 40):m.start()])):
            yield PhiSpan(m.start(), m.end(), "EMAIL")


# matched where a postcode ends, not on a copy of the rest of the note
_AUSTRALIA_AFTER = re.compile(r",?[ \t]*(?i:australia)\b")


def _au_postcodes(text: str) -> Iterator[PhiSpan]:
    """An Australian town and postcode where they are an address's: after what leads to one
    ("lives in Fitzroy VIC 3065", "Address: VIC 3065"), with a comma before the state
    ("Fitzroy, VIC 3065"), before "Australia", or with a town that is a known place. Never
    with a unit after the number: the states' codes are words of the lab ("Repeat ACT 1150",
    "Serum NT 2400 pg/mL", "Intake NSW 2000")."""
    from osler.privacy.deid.lexicons import place_names, us_places

    for m in _AU_POSTCODE.finditer(text):
        if _UNIT_AFTER.match(text, m.end()):
            continue
        town = m.group("town")
        if not (_ADDRESS_BEFORE.search(text[max(0, m.start() - 30):m.start()])
                or _ADDRESS_LINE.search(text[max(0, m.start() - 80):m.start()])
                or (town and "," in m.group("gap"))
                or _AUSTRALIA_AFTER.match(text, m.end())
                or (town and (town.lower() in place_names() or town.lower() in us_places()))):
            continue
        if town:
            yield PhiSpan(m.start("town"), m.end("town"), "LOCATION")
        yield PhiSpan(m.start("code"), m.end("code"), "LOCATION")


def find_patterns(text: str) -> Iterator[PhiSpan]:
    """Spans of ``text`` matched by :data:`PATTERNS` (possibly overlapping)."""
    yield from _birth_dates(text)
    yield from _au_postcodes(text)
    yield from _word_at_emails(text)
    for phi_type, regex in PATTERNS:
        for m in regex.finditer(text):
            group = next((g for g in ("phi", "phi2", "phi3") if g in regex.groupindex and m.group(g)),
                         None)
            start, end = m.span(group) if group else m.span()
            if end > start and not (phi_type == "DATE" and _is_ratio(text, start, end)
                                    or phi_type == "AGE" and _is_temperature(text, start)
                                    or phi_type == "PHONE" and _is_value_range(text, start, end)
                                    or phi_type == "DATE" and text[end:end + 1] == "%"
                                    or phi_type == "DATE" and _is_measure(text, start, end)):
                yield PhiSpan(start, end, phi_type)


def _is_temperature(text: str, start: int) -> bool:
    """A number right after a temperature's cue ("Temp 96F who is shivering"): degrees, which
    the age rules' sex letter ("96F") would read as an age over 89."""
    return bool(_TEMP_BEFORE.search(text, max(0, start - 24), start))


def _is_value_range(text: str, start: int, end: int) -> bool:
    """A range of values shaped like a local phone number: round numbers ("TV 250-1000"), or
    any after a haemodynamic or volume word ("SVR 882-1326")."""
    return bool(_RANGE.fullmatch(text, start, end)
                or (re.fullmatch(r"\d{3}-\d{4}", text[start:end])
                    and _NOT_YEAR_BEFORE.search(text[max(0, start - 16):start])))


def _is_measure(text: str, start: int, end: int) -> bool:
    """A bare 4-digit number that is a haemodynamic value or a volume ("SVR 1960", "I/O 1975")."""
    return bool(re.fullmatch(r"\d{4}", text[start:end])
                and _NOT_YEAR_BEFORE.search(text[max(0, start - 16):start]))


def _count_after(text: str, start: int, end: int) -> bool:
    """A count's noun after the fraction ("2/2 sets", "4/5 power"), with no date cue before
    it ("on 3/5 cultures grew" is a date)."""
    return bool(_COUNT_AFTER.match(text, end)
                and not _DATE_CUE_BEFORE.search(text[max(0, start - 16):start]))


def is_score(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a fraction that a score word or a count goes with
    ("GCS 3/15", "Apgars 8/9", "2/2 sets"), not a date, whoever read it as one."""
    return bool(_RATIO.fullmatch(text, start, end)
                and (_SCORE_BEFORE.search(text[max(0, start - 24):start])
                     or _count_after(text, start, end)))


def _is_ratio(text: str, start: int, end: int) -> bool:
    """An m/d shape used as a ratio, a strength or a score ("motor 5/5", "1/2 NS", "pupils
    3/2", "pain at 7/10"), or a year inside a range of shift times ("1930-2000"), not a date."""
    if any(m.start() <= start and end <= m.end()
           for m in _TIME_RANGE.finditer(text, max(0, start - 12), end + 12)):
        return True
    if (_DAY_FIRST_TRIPLE.fullmatch(text, start, end)
            and (_NOT_DATE_BEFORE.search(text[max(0, start - 12):start])
                 or _VENT_BEFORE.search(text[max(0, start - 12):start]))):
        return True
    return bool(_RATIO.fullmatch(text, start, end)
                and (_NOT_DATE_BEFORE.search(text[max(0, start - 12):start])
                     or _NOT_DATE_AFTER.match(text, end)
                     or _SCORE_BEFORE.search(text[max(0, start - 24):start])
                     or _count_after(text, start, end)
                     or (_SHARE_AFTER.match(text, end)
                         and not _DATE_CUE_BEFORE.search(text[max(0, start - 16):start]))
                     or (text[end - 3:end] == "/10"
                         and (_PAIN_BEFORE.search(text[max(0, start - 20):start])
                              or _PAIN_AFTER.match(text, end)))))
