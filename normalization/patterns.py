"""The regular expressions for written forms, in the order they are tried.

Alternatives run from most to least specific, so "2026-03-03" is a date before it is a
range, "555-123-4567" a telephone number before it is a subtraction, and "$2.5M" money
before it is a number. Handlers for each named pattern live in written.py.
"""

import re

from .tables import UNITS
from .tables_written import EXTRA_UNITS, RATE_WORDS, UNIT_VARIANTS, US_STATES

# Thousands separators in the Western (1,234,567) and the Indian (12,34,567) layout.
NUM = (
    r"(?:\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d{1,2}(?:,\d\d)+,\d{3}(?![\d,])(?:\.\d+)?"
    r"|\d+(?:\.\d+)?|(?<![\d.])\.\d+)"
)
INT = r"(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+)"
MONTH = (
    r"(?:(?i:January|February|March|April|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)|May|MAY)"
)
CURRENCY = r"(?:(?<![A-Za-z])(?:US|NZ|HK|S|C|A)\$|[$€£¥₹₩₽₿])"
CODES = r"(?:USD|EUR|GBP|JPY|INR|CHF|CNY|CAD|AUD)"
SCALE = r"(?:thousand|million|billion|trillion|bn|mn|tn|[kKmMbBT])(?![A-Za-z])"
SCALE_WORD = r"(?:thousand|million|billion|trillion)"
MERIDIEM = r"(?:[AaPp]\.?\s?[Mm]\b\.?)"
ZONE = (
    r"(?:[ECMP][SD]T|AK[SD]T|HST|GMT|UTC|BST|CES?T|EES?T|WES?T|IST|JST|KST|HKT|SGT|AE[SD]T"
    r"|ACST|AWST|NZ[SD]T|[ECMP]T)\b"
)
ZONE_LOWER = r"(?:[ecmp]\.?[sd]\.?t\b\.?|gmt\b|utc\b)"
ERA = r"(?:B\.?C\.?E\.?|B\.?C\.?|A\.?D\.?|C\.?E\.?)(?![A-Za-z])"
_EXACT_UNITS = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_ANY_CASE_UNITS = "|".join(
    re.escape(u) for u in sorted({*UNIT_VARIANTS, *EXTRA_UNITS}, key=len, reverse=True)
)
UNIT = f"(?:{_EXACT_UNITS}|(?i:{_ANY_CASE_UNITS}))"
RATE = "(?:" + UNIT + "|(?i:" + "|".join(sorted(RATE_WORDS, key=len, reverse=True)) + "))"
STATE = "(?:" + "|".join(US_STATES) + ")"
SUFFIX = (
    r"(?:St|Ave|Av|Rd|Blvd|Ln|Dr|Ct|Hwy|Expy|Pkwy|Pl|Ter|Sq|Cir|st|ave|rd|hwy|blvd|ln|ct"
    r"|(?i:street|avenue|road|boulevard|lane|drive|court|highway|expressway|parkway|place"
    r"|terrace|square|circle|way))"
)
TIME = r"\d{1,2}(?::\d{2})?"

PATTERNS = [
    (
        "address",
        r"(?<![\w.,$/-])(?P<ad_n>\d{1,5})\s(?:(?P<ad_dir>[NSEW]|NE|NW|SE|SW)\.?\s)?"
        r"(?P<ad_name>(?:\d{1,3}(?:st|nd|rd|th)|[A-Z][a-z]+)(?:\s[A-Z][a-z]+){0,3})\s"
        r"(?P<ad_sfx>" + SUFFIX + r")(?P<ad_dot>\.)?(?![A-Za-z])"
        r"(?:,\s(?P<ad_city>[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2}))?"
        r"(?:,\s(?P<ad_state>" + STATE + r")\b(?:,?\s(?P<ad_zip>\d{5}(?:-\d{4})?)(?!\d))?)?",
    ),
    ("statezip", r"(?<=,\s)(?P<sz_st>" + STATE + r")\s(?P<sz_zip>\d{5}(?:-\d{4})?)(?![\d-])"),
    (
        "phone",
        r"(?<![\w.,/+-])(?:"
        r"\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,5}(?:[\s.-]\d{2,8}){1,4}"
        r"|(?:1[\s.-])?\(\d{3}\)[\s.-]?\d{3}[\s.-]\d{4}"
        r"|(?:1[.-])?\d{3}(?P<ph_sep>[.-])\d{3}(?P=ph_sep)\d{4}(?:-\d{1,4})?"
        r"|\d{3}\s\d{3}\s\d{4}"
        # A national number with its trunk zero (020 7946 0958, 0161 496 0000): no amount
        # starts with a zero.
        r"|0\d{1,4}\s\d{3,4}\s\d{3,4}"
        r"|(?<![\d$])\d{3}-\d{4}"
        r"|1-8\d\d-[A-Z]{1,8}(?:-[A-Z]{1,8}){0,3}\b"
        r")(?:,?\s?(?:ext\.?|x|extension)\s?\d{1,5})?(?![\w-]|[.,]\d)",
    ),
    # A period after the last group ends the sentence ("at 10.0.0.1."), it is not a group.
    ("ip", r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\w)"),
    (
        "iso",
        r"(?<![\d./-])(?P<iso_y>\d{4})(?P<iso_s>[-/.])(?P<iso_m>\d{1,2})(?P=iso_s)"
        r"(?P<iso_d>\d{1,2})(?![\d-]|[./]\d)",
    ),
    (
        "numdate",
        r"(?<![\d/.-])(?P<nd_a>\d{1,2})(?P<nd_s>[/.-])(?P<nd_b>\d{1,2})(?P=nd_s)"
        r"(?P<nd_y>\d{4}(?!\d)|\d{2}(?!\d))(?![/.-]\d)",
    ),
    ("idgroups", r"(?<![\w.,/-])\d+(?:-\d+){2,}(?![\w-]|[.,]\d)"),
    ("zip4", r"(?<![\w.,/-])\d{5}-\d{4}(?![\w-]|[.,]\d)"),
    ("slashes", r"(?<![\w./])\d+(?:/\d+){2,}(?![\w/]|\.\d)"),
    (
        "trange",
        r"(?<![\d:.,$])(?:(?P<tr_a>" + TIME + r")(?:\s?(?P<tr_ap>" + MERIDIEM + r"))?"
        r"\s?[-–—]\s?(?P<tr_b>" + TIME + r")\s?(?P<tr_bp>" + MERIDIEM + r")"
        r"|(?P<tr_c>\d{1,2}:\d{2})(?:\s?(?P<tr_cp>" + MERIDIEM + r"))?"
        r"\s?[-–—]\s?(?P<tr_d>\d{1,2}:\d{2})(?:\s?(?P<tr_dp>" + MERIDIEM + r"))?)"
        r"(?![\d:])(?:\s(?P<tr_z>" + ZONE + "))?",
    ),
    (
        "time",
        r"(?<![\d:.])(?:(?P<tm_h>\d{1,2}):(?P<tm_m>\d{2})(?::(?P<tm_s>\d{2}))?(?![\d:])"
        r"|(?P<tm_dh>\d{1,2})\.(?P<tm_dm>\d{2})(?=\s?" + MERIDIEM + r"))"
        r"(?:\s?(?P<tm_ap>" + MERIDIEM + r"))?"
        r"(?:(?<=\.)(?P<tm_zl>" + ZONE_LOWER + r")|\s?(?P<tm_z>" + ZONE + r")"
        r"|(?<=[mM.])\s(?P<tm_zl2>" + ZONE_LOWER + "))?",
    ),
    (
        "ampm",
        r"(?<![\d:.])(?P<ap_h>\d{1,2})\s?(?P<ap_m>" + MERIDIEM + r")"
        r"(?:(?<=\.)(?P<ap_zl>" + ZONE_LOWER + r")|\s?(?P<ap_z>" + ZONE + r")"
        r"|\s(?P<ap_zl2>" + ZONE_LOWER + "))?",
    ),
    (
        "money",
        r"(?:(?<![\w)])(?P<mo_sign>[-−]))?(?P<mo_c>" + CURRENCY + r")\s?(?P<mo_a>" + NUM + r")"
        r"(?:\s?(?P<mo_s>" + SCALE + r"))?"
        r"(?:\s?[-–]\s?(?P<mo_c2>" + CURRENCY + r")?\s?(?P<mo_b>" + NUM + r")"
        r"(?:\s?(?P<mo_s2>" + SCALE + "))?)?"
        r"(?:\s?/\s?(?P<mo_per>" + RATE + r")(?![\w/]))?",
    ),
    (
        "code",
        r"(?<![A-Za-z])(?P<mc_c>" + CODES + r")\s?(?P<mc_a>" + NUM + r")"
        r"(?:\s?(?P<mc_s>" + SCALE + "))?",
    ),
    (
        "postmoney",
        r"(?P<mp_a>" + NUM + r")\s?(?:(?P<mp_s>" + SCALE + r")\s?)?(?P<mp_c>€|¢|" + CODES + r")"
        r"(?![A-Za-z])",
    ),
    (
        "ddate",
        r"(?<!\d)(?P<dw_d>\d{1,2})(?:st|nd|rd|th)?(?:\s?[-–]\s?(?P<dw_d2>\d{1,2})"
        r"(?:st|nd|rd|th)?)?\s(?:of\s)?(?P<dw_m>" + MONTH + r"|may)\.?(?![a-z])"
        r"(?:,?\s(?P<dw_y>\d{4})(?!\d))?",
    ),
    # '99, '05: a year with its century left off ("Class of '05").
    ("shortyear", r"(?<![\w'])'(?P<sy_y>\d{2})(?![\w'%]|[.,]\d)"),
    # 1h 30m, 2h30, 1 h 20 min: hours and minutes of a duration.
    (
        "hm",
        r"(?<![\w.,])(?P<hm_h>\d{1,3})\s?h\s?(?P<hm_m>[0-5]?\d)(?:\s?(?:min|m)(?![\w/]))?"
        r"(?![\w,/:]|\.\d|\s?(?:s|sec)\b)",
    ),
    (
        "era",
        r"(?<![\w.,])(?P<er_n>\d{1,4})\s?(?P<er_e>" + ERA + r")"
        r"|(?<![\w.])(?P<er_pre>A\.?D\.?)\s(?P<er_pn>\d{1,4})(?![\d,])",
    ),
    ("statute", r"(?<![\w.])(?P<st_n>\d{3})\((?P<st_l>[a-z])\)"),
    ("feet", r"(?P<ft_a>\d+)['’]\s?(?P<ft_b>\d+)(?:\"|”|'')"),
    (
        "decades",
        r"(?<![\w'])(?P<dr_a>'?\d{1,3}0)'?s\s?[-–]\s?(?P<dr_b>'?\d{1,3}0)'?s(?![A-Za-z])",
    ),
    ("decade", r"(?<![\w'])'?(?P<dec_n>\d{1,3}0)'?s(?![A-Za-z])"),
    # 2Q22, 1H2023: a quarter or half of a year, as finance writes it.
    (
        "quarter",
        r"(?<![\w.])(?:(?P<qu_q>[1-4])Q|(?P<qu_h>[12])H)(?P<qu_y>\d{2}|\d{4})(?!\w|[.,]\d)",
    ),
    (
        "ordinal",
        r"(?P<ord_n>" + INT + r")(?P<ord_s>st|nd|rd|th|ST|ND|RD|TH)"
        r"(?:\s?[-–]\s?(?P<ord_n2>" + INT + r")(?P<ord_s2>st|nd|rd|th|ST|ND|RD|TH))?(?![A-Za-z])",
    ),
    ("factorial", r"(?<![\w.])(?P<fa_n>\d+)!(?=\s*[=+×*/)−-]|\s+(?:is|equals)\b)"),
    (
        "minus",
        r"(?<![\w.])(?P<mi_a>" + NUM + r")\s?[-−]\s?(?P<mi_b>" + NUM + r")(?=\s*=)"
        r"|(?:(?<==)|(?<==\s))(?P<mi_c>" + NUM + r")\s?[-−]\s?(?P<mi_d>" + NUM + r")(?![\d.])",
    ),
    ("version", r"(?<![\d.])\d+(?:\.\d+){2,}(?!\d|\.\d)"),
    (
        "range",
        r"(?P<rg_a>" + NUM + r")(?P<rg_pc>\s?%)?(?:\s?[–—]\s?|-|\sto\s|(?P<rg_spaced>\s-\s))"
        r"(?P<rg_b>" + NUM + r")"
        r"(?![\d/:]|\.\d)"
        r"(?:(?P<rg_sp>\s?)(?P<rg_u>%|" + UNIT + r")(?![\w/]))?",
    ),
    (
        "product",
        r"(?P<pr_a>" + NUM + r")\s?[*∗]\s?(?P<pr_b>" + NUM + ")"
        r"(?:(?P<pr_sp>\s?)(?P<pr_u>" + UNIT + r")(?![\w/]))?",
    ),
    (
        "dims",
        r"(?P<dm_a>" + NUM + r")(?:\s?x\s?|×)(?P<dm_b>" + NUM + r")"
        r"(?:(?:\s?x\s?|×)(?P<dm_c>" + NUM + r"))?(?![\d])"
        r"(?:(?P<dm_sp>\s)(?P<dm_u>" + UNIT + r")(?P<dm_pow>\^?[23])?(?![\w/]))?",
    ),
    ("times", r"(?P<ti_a>" + NUM + r")[x×](?= [A-Za-z])"),
    (
        "mixed",
        r"(?<![\d/.])(?P<mx_w>\d+)\s(?P<mx_n>\d+)/(?P<mx_d>\d+)(?:st|nd|rd|th|ST|ND|RD|TH)?"
        r"(?![\d/])"
        r"(?:(?P<mx_sp>\s?)(?P<mx_u>" + UNIT + r")(?![\w/]))?",
    ),
    ("perunit", r"(?<![\w./])(?P<pu_a>" + NUM + r")\s?/\s?(?P<pu_u>" + RATE + r")(?![\w/])"),
    (
        "frac",
        r"(?<![\d/.])(?P<fr_n>\d+)\s?/\s?(?P<fr_d>\d+)(?:st|nd|rd|th|ST|ND|RD|TH)?(?![\d/])"
        r"(?:(?P<fr_sp>\s?)(?P<fr_u>" + UNIT + r")(?![\w/]))?",
    ),
    ("ratio", r"(?<![\d:])(?P<ra_a>\d+):(?P<ra_b>\d+)(?::\d+){0,3}(?![\d:])"),
    # 4.5/5: a decimal over a number is a rating or a quotient, not a fraction's name.
    ("quotient", r"(?<![\w./])(?P<qo_a>\d+\.\d+)/(?P<qo_b>\d+(?:\.\d+)?)(?![\w/]|\.\d)"),
    (
        "percent",
        r"(?:(?<![\w)])(?P<pc_sign>[-−+]))?(?P<pc_a>" + NUM + r")\s?%"
        r"(?:\s?/\s?(?P<pc_per>" + RATE + r")(?![\w/]))?",
    ),
    (
        "measure",
        r"(?:(?<![\w)])(?P<me_sign>[-−]))?(?<![A-Za-z])(?P<me_a>" + NUM + r")"
        r"(?:\s(?P<me_sc>" + SCALE_WORD + r"))?(?P<me_sp>\s?)(?P<me_u>" + UNIT + r")"
        r"(?P<me_pow>\^[23]|(?<=[a-z])[23](?![\d]))?"
        r"(?:/(?P<me_per>" + RATE + r"))?"
        # "5 ft. tall": a period before a lowercase word is the abbreviation's, not a full stop.
        r"(?P<me_dot>\.(?=\s[a-z]))?(?![\w/])",
    ),
    # "75B parameters" is a scale; "Room 12B" and "221B Baker Street" are a number and a letter.
    ("scale", r"(?P<sc_a>" + NUM + r")(?P<sc_s>mn|bn|tn|[kKMBT](?=\s[a-z]))(?![A-Za-z])"),
    ("numero", r"#\s?(?=\d)"),
    ("number", r"(?:(?<![\w)\].,])(?P<nu_sign>[-−+±~](?=\.?\d)))?(?P<nu_a>" + NUM + ")"),
]

# Only positions where some form can start are tried: a digit or currency sign, a sign or
# bracket before a digit, or two capitals (USD 5, AD 800, CA 95051). Prose is mostly other
# characters, so this guard is what keeps the pass fast.
MASTER = re.compile(
    r"(?=[\d$€£¥₹₩₽₿#]|[.'(][\d]|[+±~−-][\d.$€£¥₹]|[A-Z][A-Z.$])(?:"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in PATTERNS)
    + ")"
)

# Dates that start with a month name: "march 3, 2026", "Jan-15", "SEPT. 15", "June 2015".
MONTH_DATE = re.compile(
    r"(?=[JFMASONDjfmasond])(?<![A-Za-z])(?P<md_m>" + MONTH + r")(?:\.\s?|\s|-)(?:(?P<md_d>\d{1,2})"
    r"(?:st|nd|rd|th)?(?:\s?[-–]\s?(?P<md_d2>\d{1,2})(?:st|nd|rd|th)?)?"
    r"(?![\d:]|[.,]\d|\s?%)(?:(?:,\s?|\s|-)(?P<md_y>\d{4})(?!\d))?"
    r"|(?P<md_yo>\d{4})(?![\d,]))"
)
MONTH_HINT = re.compile(
    r"(?=[JFMASONDjfmasond])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?[\s-]\d",
    re.I,
)
